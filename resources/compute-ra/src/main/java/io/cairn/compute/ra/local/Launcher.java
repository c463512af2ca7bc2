package io.cairn.compute.ra.local;

import io.cairn.compute.TaskSpec;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The long-lived launcher of a local pool: a small Perl program ({@code launcher.pl} beside this class) that the
 * backend hands its tasks to over a pipe and that forks and execs them itself, so that a task's start costs one
 * fork of a small process instead of the JVM's spawn of {@code setsid} and a shell. It reports what became of each
 * task on its standard output (see the script's header), writes each task's exit code into its control folder
 * before reporting it, and outlives the server: when its input closes it waits for the tasks it started and writes
 * their codes, then exits.
 *
 * <p>Two long-running jobs on the resource adapter's work manager: one writes the requests (so that the backend never
 * blocks on the pipe while it holds its lock) and one reads the answers and hands them to {@link Events}. Both end
 * with {@link #close()}: the launcher closes its output once its input is closed.
 */
final class Launcher implements AutoCloseable {

    /** What the launcher reports; called on the reading thread, one at a time, in the launcher's order. */
    interface Events {
        void started(String backendId, long pid);

        void failed(String backendId, String message);

        void exited(String backendId, int exitCode);

        /** The launcher ended while the backend still used it (not after {@link #close()}). */
        void lost(String reason);
    }

    static final String PERL = "/usr/bin/perl";
    private static final Logger LOG = Logger.getLogger(Launcher.class.getName());
    private static final long READY_SECONDS = 20;
    private static final byte[] END_OF_INPUT = new byte[0];

    private final Process process;
    private final Charset charset;
    private final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private Launcher(Process process, Charset charset) {
        this.process = process;
        this.charset = charset;
    }

    /** Whether this host can run the launcher. */
    static boolean available() {
        return Files.isExecutable(Path.of(PERL));
    }

    /**
     * Starts a launcher and waits until it is ready. Its own diagnostics (there should be none) go to {@code log}.
     */
    static Launcher start(String poolName, Path log, Charset charset, Events events, Executor executor)
            throws IOException {
        String script;
        try (InputStream in = Launcher.class.getResourceAsStream("launcher.pl")) {
            if (in == null) {
                throw new IOException("launcher.pl is missing from the resource adapter");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Process process = new ProcessBuilder(PERL, "-e", script)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Launcher launcher = new Launcher(process, charset);
        CountDownLatch ready = new CountDownLatch(1);
        run(executor, () -> launcher.read(events, ready), "cairn-local-launcher-" + poolName + "-reader");
        run(executor, launcher::write, "cairn-local-launcher-" + poolName + "-writer");
        boolean up;
        try {
            up = ready.await(READY_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up = false;
        }
        if (!up || !process.isAlive()) {
            launcher.closed = true;
            process.destroyForcibly();
            throw new IOException("the launcher (" + PERL + ") did not start; see " + log);
        }
        return launcher;
    }

    private static void run(Executor executor, Runnable job, String name) {
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            Thread thread = new Thread(job, name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return !closed && process.isAlive();
    }

    /** Hands a task to the launcher; its answers come through {@link Events}. */
    void send(String backendId, Path controlDir, TaskSpec spec) {
        requests.add(encode(backendId, controlDir, spec, charset));
    }

    /** The request for one task: NUL-terminated fields, as {@code launcher.pl} reads them. */
    static byte[] encode(String backendId, Path controlDir, TaskSpec spec, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        List<String> fields = new ArrayList<>();
        fields.add("R");
        fields.add(backendId);
        fields.add(controlDir.toString());
        fields.add(spec.workDir());
        fields.add(spec.stdin() == null ? "" : spec.stdin());
        fields.add(spec.stdout());
        fields.add(spec.stderr());
        fields.add(Integer.toString(spec.command().size()));
        fields.addAll(spec.command());
        fields.add(Integer.toString(spec.environment().size()));
        for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
            fields.add(variable.getKey() + "=" + variable.getValue());
        }
        for (String field : fields) {
            out.writeBytes(field.getBytes(charset));
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * Closes the launcher's input: it starts nothing more, waits for the tasks it runs, records their exit codes and
     * exits. The tasks keep running.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            requests.add(END_OF_INPUT);
        }
    }

    private void write() {
        try (OutputStream out = process.getOutputStream()) {
            while (true) {
                byte[] request = requests.take();
                if (request == END_OF_INPUT) {
                    return;
                }
                out.write(request);
                for (byte[] more = requests.poll(); more != null; more = requests.poll()) {
                    if (more == END_OF_INPUT) {
                        return;
                    }
                    out.write(more);
                }
                out.flush();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "the launcher's input closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(Events events, CountDownLatch ready) {
        String reason = "its output ended";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), charset))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                try {
                    handle(line, events, ready);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a report of the local launcher failed: " + line, e);
                }
            }
        } catch (IOException e) {
            reason = "its output failed: " + e.getMessage();
        }
        if (!closed) {
            closed = true;
            String why = reason;
            LOG.warning(() -> "the local launcher (pid " + process.pid() + ") ended: " + why);
            events.lost(why);
        }
    }

    private static void handle(String line, Events events, CountDownLatch ready) {
        if (line.startsWith("READY ")) {
            ready.countDown();
            return;
        }
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (first != 1 || second < 0) {
            LOG.warning(() -> "the local launcher said something unexpected: " + line);
            return;
        }
        String backendId = line.substring(2, second);
        String rest = line.substring(second + 1);
        switch (line.charAt(0)) {
            case 'S' -> events.started(backendId, Long.parseLong(rest));
            case 'F' -> events.failed(backendId, rest);
            case 'X' -> events.exited(backendId, Integer.parseInt(rest));
            default -> LOG.warning(() -> "the local launcher said something unexpected: " + line);
        }
    }
}
