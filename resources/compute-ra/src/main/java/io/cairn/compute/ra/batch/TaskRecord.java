package io.cairn.compute.ra.batch;

import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
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
 * The record of one task in a batch pool's state folder, {@code <stateDir>/tasks/<backendId>/}. Each file is written
 * under a temporary name and moved into place:
 * <ul>
 *   <li>{@code spec.properties}: the task spec with its place in the queue and the submission time;</li>
 *   <li>{@code submitting}: the job is being handed to the scheduler, under the name {@link #jobName()} (written
 *       before the scheduler is called, so that after a crash the job is looked up by name, not submitted again);</li>
 *   <li>{@code array}: when the task goes out as an element of a job array, the array's job name, the task's index
 *       in it and the array's throttle (written before the scheduler is called);</li>
 *   <li>{@code job}: the scheduler's job id, written as soon as the scheduler returned it ({@code ARRAYID_INDEX}
 *       for an array element);</li>
 *   <li>{@code canceled}: the task was canceled;</li>
 *   <li>{@code final.properties}: the terminal status, once seen.</li>
 * </ul>
 */
public final class TaskRecord {

    static final String SPEC = "spec.properties";
    static final String SUBMITTING = "submitting";
    static final String JOB = "job";
    static final String ARRAY = "array";
    static final String CANCELED = "canceled";
    static final String FINAL = "final.properties";

    /** A stored spec with its place in the FIFO queue. */
    public record Stored(TaskSpec spec, long sequence, Instant submittedAt) {
    }

    private final String backendId;
    private final Path dir;

    TaskRecord(Path tasksDir, String backendId) {
        this.backendId = backendId;
        this.dir = tasksDir.resolve(backendId);
    }

    public String backendId() {
        return backendId;
    }

    /** Where a task sits in a job array. */
    public record ArrayPlace(String jobName, int index, int throttle) {
    }

    /**
     * The job name given to the scheduler: unique to this task, made of safe characters only; for an array element
     * the array's name, which all its elements share.
     */
    public String jobName() {
        ArrayPlace place = arrayPlace();
        return place != null ? place.jobName() : "cairn-" + backendId;
    }

    /** The task's place in a job array, or null when it goes (or went) out as a job of its own. */
    ArrayPlace arrayPlace() {
        try {
            String[] parts = Files.readString(dir.resolve(ARRAY), StandardCharsets.UTF_8).trim().split(" ");
            return new ArrayPlace(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void markArray(ArrayPlace place) throws IOException {
        writeText(ARRAY, place.jobName() + " " + place.index() + " " + place.throttle());
    }

    void clearArray() throws IOException {
        Files.deleteIfExists(dir.resolve(ARRAY));
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve(SPEC));
    }

    void create(TaskSpec spec, long sequence, Instant submittedAt) throws IOException {
        Files.createDirectories(dir);
        Properties properties = SpecCodec.encode(spec);
        properties.setProperty("sequence", Long.toString(sequence));
        properties.setProperty("submittedAt", submittedAt.toString());
        write(SPEC, properties);
    }

    Stored read() throws IOException {
        Properties properties = load(SPEC);
        if (properties == null) {
            throw new NoSuchFileException(dir.resolve(SPEC).toString());
        }
        return new Stored(SpecCodec.decode(properties), Long.parseLong(properties.getProperty("sequence", "0")),
                Instant.parse(properties.getProperty("submittedAt")));
    }

    void writeScript(String script) throws IOException {
        Path temporary = dir.resolve(".job.sh.tmp");
        Files.writeString(temporary, script, StandardCharsets.UTF_8);
        Files.move(temporary, dir.resolve("job.sh"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    void markSubmitting() throws IOException {
        writeText(SUBMITTING, Instant.now().toString());
    }

    boolean isSubmitting() {
        return Files.exists(dir.resolve(SUBMITTING));
    }

    void recordJob(String jobId) throws IOException {
        writeText(JOB, jobId);
    }

    /** The scheduler's job id, or null before it was submitted. */
    String jobId() {
        try {
            String id = Files.readString(dir.resolve(JOB), StandardCharsets.UTF_8).trim();
            return id.isEmpty() ? null : id;
        } catch (IOException e) {
            return null;
        }
    }

    void markCanceled(Instant at) throws IOException {
        writeText(CANCELED, at.toString());
    }

    Instant canceledAt() {
        try {
            return Instant.parse(Files.readString(dir.resolve(CANCELED), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return Files.exists(dir.resolve(CANCELED)) ? Instant.EPOCH : null;
        }
    }

    void recordFinal(TaskStatus status) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("state", status.state().name());
        if (status.exitCode() != null) {
            properties.setProperty("exitCode", status.exitCode().toString());
        }
        if (status.message() != null) {
            properties.setProperty("message", status.message());
        }
        if (status.startedAt() != null) {
            properties.setProperty("startedAt", status.startedAt().toString());
        }
        properties.setProperty("endedAt", (status.endedAt() == null ? Instant.now() : status.endedAt()).toString());
        write(FINAL, properties);
    }

    /** The terminal status recorded, or null. */
    TaskStatus finalStatus() {
        try {
            Properties properties = load(FINAL);
            if (properties == null) {
                return null;
            }
            String exitCode = properties.getProperty("exitCode");
            String startedAt = properties.getProperty("startedAt");
            return new TaskStatus(TaskState.valueOf(properties.getProperty("state")),
                    exitCode == null ? null : Integer.valueOf(exitCode), properties.getProperty("message"),
                    startedAt == null ? null : Instant.parse(startedAt),
                    Instant.parse(properties.getProperty("endedAt")));
        } catch (IOException | RuntimeException e) {
            return null;
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
        Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void writeText(String name, String content) throws IOException {
        Path temporary = dir.resolve("." + name + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The spec as properties, lists and maps element by element, so every string comes back exactly. */
    static final class SpecCodec {

        private SpecCodec() {
        }

        static Properties encode(TaskSpec spec) {
            Properties p = new Properties();
            p.setProperty("taskId", spec.taskId());
            putList(p, "command", spec.command());
            List<Map.Entry<String, String>> environment = new ArrayList<>(spec.environment().entrySet());
            p.setProperty("environment.size", Integer.toString(environment.size()));
            for (int i = 0; i < environment.size(); i++) {
                p.setProperty("environment." + i + ".name", environment.get(i).getKey());
                p.setProperty("environment." + i + ".value", environment.get(i).getValue());
            }
            p.setProperty("workDir", spec.workDir());
            if (spec.stdin() != null) {
                p.setProperty("stdin", spec.stdin());
            }
            p.setProperty("stdout", spec.stdout());
            p.setProperty("stderr", spec.stderr());
            p.setProperty("cores", Integer.toString(spec.cores()));
            p.setProperty("memoryMb", Long.toString(spec.memoryMb()));
            if (spec.image() != null) {
                p.setProperty("image", spec.image());
            }
            p.setProperty("imageRequired", Boolean.toString(spec.imageRequired()));
            putList(p, "readOnlyPaths", spec.readOnlyPaths());
            p.setProperty("networkAccess", Boolean.toString(spec.networkAccess()));
            p.setProperty("timeLimitSeconds", Long.toString(spec.timeLimitSeconds()));
            return p;
        }

        static TaskSpec decode(Properties p) {
            int size = Integer.parseInt(p.getProperty("environment.size"));
            Map<String, String> environment = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                environment.put(required(p, "environment." + i + ".name"), required(p, "environment." + i + ".value"));
            }
            return new TaskSpec(required(p, "taskId"), getList(p, "command"), environment, required(p, "workDir"),
                    p.getProperty("stdin"), required(p, "stdout"), required(p, "stderr"),
                    Integer.parseInt(p.getProperty("cores", "1")), Long.parseLong(p.getProperty("memoryMb", "0")),
                    p.getProperty("image"), Boolean.parseBoolean(p.getProperty("imageRequired")),
                    getList(p, "readOnlyPaths"), Boolean.parseBoolean(p.getProperty("networkAccess")),
                    Long.parseLong(p.getProperty("timeLimitSeconds", "0")));
        }

        private static void putList(Properties p, String key, List<String> values) {
            p.setProperty(key + ".size", Integer.toString(values.size()));
            for (int i = 0; i < values.size(); i++) {
                p.setProperty(key + "." + i, values.get(i));
            }
        }

        private static List<String> getList(Properties p, String key) {
            int size = Integer.parseInt(p.getProperty(key + ".size", "0"));
            List<String> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(required(p, key + "." + i));
            }
            return values;
        }

        private static String required(Properties p, String key) {
            String value = p.getProperty(key);
            if (value == null) {
                throw new IllegalArgumentException("stored task spec lacks " + key);
            }
            return value;
        }
    }
}
