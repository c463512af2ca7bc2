package io.cairn.compute.ra.local;

import io.cairn.compute.TaskSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The control folder of one task, {@code <stateDir>/tasks/<backendId>/}. Every file this class writes goes to a
 * temporary name and is moved into place, so a reader never sees half a file:
 *
 * <ul>
 *   <li>{@code spec.properties}: the task spec, the submission order and time;</li>
 *   <li>{@code starting}: the backend began to start the process;</li>
 *   <li>{@code started.properties}: pid, the process's start instant (defends against pid reuse) and start time;</li>
 *   <li>{@code exit}: the exit code and a newline, written in place by the task's wrapper shell when the command
 *       ends (the one file not moved into place);</li>
 *   <li>{@code canceled}: the task was canceled (wins over an exit code);</li>
 *   <li>{@code failed.properties}: why the backend lost the task.</li>
 * </ul>
 */
final class TaskFolder {

    static final String SPEC = "spec.properties";
    static final String STARTING = "starting";
    static final String STARTED = "started.properties";
    static final String EXIT = "exit";
    static final String CANCELED = "canceled";
    static final String TIMED_OUT = "timed-out.properties";
    static final String FAILED = "failed.properties";

    /** A spec as stored, with its place in the pool's FIFO order. */
    record Stored(TaskSpec spec, long sequence, Instant submittedAt) {
    }

    /** @param processStart the process's start instant as the OS reports it, or {@code null} if unknown */
    record Started(long pid, Instant processStart, Instant startedAt) {
    }

    record Failure(String message, Instant at) {
    }

    private final Path dir;

    TaskFolder(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve(SPEC));
    }

    void create(TaskSpec spec, long sequence, Instant submittedAt) throws IOException {
        Files.createDirectories(dir);
        Properties properties = encode(spec);
        properties.setProperty("sequence", Long.toString(sequence));
        properties.setProperty("submittedAt", submittedAt.toString());
        write(SPEC, properties);
    }

    Stored read() throws IOException {
        Properties properties = load(SPEC);
        if (properties == null) {
            throw new NoSuchFileException(dir.resolve(SPEC).toString());
        }
        return new Stored(decode(properties), Long.parseLong(properties.getProperty("sequence", "0")),
                Instant.parse(properties.getProperty("submittedAt")));
    }

    void markStarting() throws IOException {
        write(STARTING, Instant.now().toString());
    }

    boolean isStarting() {
        return Files.exists(dir.resolve(STARTING));
    }

    void markStarted(Started started) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("pid", Long.toString(started.pid()));
        if (started.processStart() != null) {
            properties.setProperty("processStart", started.processStart().toString());
        }
        properties.setProperty("startedAt", started.startedAt().toString());
        write(STARTED, properties);
    }

    Started started() {
        try {
            Properties properties = load(STARTED);
            if (properties == null) {
                return null;
            }
            String processStart = properties.getProperty("processStart");
            return new Started(Long.parseLong(properties.getProperty("pid")),
                    processStart == null ? null : Instant.parse(processStart),
                    Instant.parse(properties.getProperty("startedAt")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The exit code the wrapper recorded, or {@code null} if the command has not ended on its own. The wrapper writes
     * the file in place (no temporary file and rename, which would cost a process per task); a code counts only
     * with its closing newline, so a file caught between its creation and the write reads as not yet there.
     */
    Integer exitCode() {
        try {
            String content = Files.readString(dir.resolve(EXIT), StandardCharsets.US_ASCII);
            return content.endsWith("\n") ? Integer.valueOf(content.trim()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    Instant exitedAt() {
        try {
            return Files.getLastModifiedTime(dir.resolve(EXIT)).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    void markCanceled(Instant at) throws IOException {
        write(CANCELED, at.toString());
    }

    Instant canceledAt() {
        try {
            return Instant.parse(Files.readString(dir.resolve(CANCELED), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return Files.exists(dir.resolve(CANCELED)) ? Instant.EPOCH : null;
        }
    }

    /** Records that the task was killed for running past its time limit; written before the kill. */
    void markTimedOut(long limitSeconds, Instant at) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("limitSeconds", Long.toString(limitSeconds));
        properties.setProperty("at", at.toString());
        write(TIMED_OUT, properties);
    }

    /** The time limit the task was killed for, or {@code null}. */
    TimedOut timedOut() {
        try {
            Properties properties = load(TIMED_OUT);
            return properties == null ? null : new TimedOut(Long.parseLong(properties.getProperty("limitSeconds")),
                    Instant.parse(properties.getProperty("at")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    record TimedOut(long limitSeconds, Instant at) {
    }

    void markFailed(String message, Instant at) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("message", message);
        properties.setProperty("at", at.toString());
        write(FAILED, properties);
    }

    Failure failure() {
        try {
            Properties properties = load(FAILED);
            return properties == null ? null
                    : new Failure(properties.getProperty("message"), Instant.parse(properties.getProperty("at")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The spec as properties. Lists and maps are stored element by element with their size, so arguments and
     * values with spaces, newlines, quotes or any Unicode come back exactly ({@link Properties} escapes them).
     */
    static Properties encode(TaskSpec spec) {
        Properties properties = new Properties();
        properties.setProperty("format", "1");
        properties.setProperty("taskId", spec.taskId());
        List<String> command = spec.command();
        properties.setProperty("command.size", Integer.toString(command.size()));
        for (int i = 0; i < command.size(); i++) {
            properties.setProperty("command." + i, command.get(i));
        }
        List<Map.Entry<String, String>> environment = new ArrayList<>(spec.environment().entrySet());
        properties.setProperty("environment.size", Integer.toString(environment.size()));
        for (int i = 0; i < environment.size(); i++) {
            properties.setProperty("environment." + i + ".name", environment.get(i).getKey());
            properties.setProperty("environment." + i + ".value", environment.get(i).getValue());
        }
        properties.setProperty("workDir", spec.workDir());
        setIfPresent(properties, "stdin", spec.stdin());
        properties.setProperty("stdout", spec.stdout());
        properties.setProperty("stderr", spec.stderr());
        properties.setProperty("cores", Integer.toString(spec.cores()));
        properties.setProperty("memoryMb", Long.toString(spec.memoryMb()));
        setIfPresent(properties, "image", spec.image());
        properties.setProperty("imageRequired", Boolean.toString(spec.imageRequired()));
        properties.setProperty("readOnlyPaths.size", Integer.toString(spec.readOnlyPaths().size()));
        for (int i = 0; i < spec.readOnlyPaths().size(); i++) {
            properties.setProperty("readOnlyPaths." + i, spec.readOnlyPaths().get(i));
        }
        properties.setProperty("networkAccess", Boolean.toString(spec.networkAccess()));
        properties.setProperty("timeLimitSeconds", Long.toString(spec.timeLimitSeconds()));
        return properties;
    }

    static TaskSpec decode(Properties properties) {
        int commandSize = Integer.parseInt(properties.getProperty("command.size"));
        List<String> command = new ArrayList<>(commandSize);
        for (int i = 0; i < commandSize; i++) {
            command.add(required(properties, "command." + i));
        }
        int environmentSize = Integer.parseInt(properties.getProperty("environment.size"));
        Map<String, String> environment = new LinkedHashMap<>();
        for (int i = 0; i < environmentSize; i++) {
            environment.put(required(properties, "environment." + i + ".name"),
                    required(properties, "environment." + i + ".value"));
        }
        String image = properties.getProperty("image");
        int readOnlySize = Integer.parseInt(properties.getProperty("readOnlyPaths.size", "0"));
        List<String> readOnly = new ArrayList<>(readOnlySize);
        for (int i = 0; i < readOnlySize; i++) {
            readOnly.add(required(properties, "readOnlyPaths." + i));
        }
        // task folders written before these keys existed held a required image or none
        return new TaskSpec(required(properties, "taskId"), command, environment, required(properties, "workDir"),
                properties.getProperty("stdin"), required(properties, "stdout"), required(properties, "stderr"),
                Integer.parseInt(properties.getProperty("cores", "1")),
                Long.parseLong(properties.getProperty("memoryMb", "0")), image,
                Boolean.parseBoolean(properties.getProperty("imageRequired", Boolean.toString(image != null))),
                readOnly, Boolean.parseBoolean(properties.getProperty("networkAccess", "false")),
                Long.parseLong(properties.getProperty("timeLimitSeconds", "0")));
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("stored task spec lacks " + key);
        }
        return value;
    }

    private static void setIfPresent(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
        }
    }

    private Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(name))) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return null;
        }
        return properties;
    }

    private void write(String name, Properties properties) throws IOException {
        Path temporary = dir.resolve("." + name + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            properties.store(out, null);
        }
        moveIntoPlace(temporary, name);
    }

    private void write(String name, String content) throws IOException {
        Path temporary = dir.resolve("." + name + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.US_ASCII);
        moveIntoPlace(temporary, name);
    }

    private void moveIntoPlace(Path temporary, String name) throws IOException {
        Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
