package io.cairn.compute.ra.local;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.ComputeResourceAdapter;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local pool wired as the server wires it (adapter, managed connection factory, connection factory), minus the
 * server. Closing it stops the adapter, which is what a server crash or redeploy does to the backend: tasks keep
 * running.
 */
final class LocalPool implements AutoCloseable {

    static final Map<String, String> PATH = Map.of("PATH", "/usr/bin:/bin");

    final ComputeResourceAdapter adapter = new ComputeResourceAdapter();
    final LocalManagedConnectionFactory managedFactory = new LocalManagedConnectionFactory();
    final ComputeConnectionFactory factory;

    LocalPool(Path stateDir, int slots) {
        this(stateDir, slots, LocalBackend.LAUNCHER_AUTO);
    }

    /** With the given way of starting tasks ({@link LocalBackend.Settings#launcher()}). */
    LocalPool(Path stateDir, int slots, String launcher) {
        adapter.start(null);
        managedFactory.setLauncher(launcher);
        managedFactory.setSlots(slots);
        managedFactory.setStateDir(stateDir.toString());
        try {
            managedFactory.setResourceAdapter(adapter);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
        factory = (ComputeConnectionFactory) managedFactory.createConnectionFactory();
    }

    ComputeConnection connect() {
        return factory.getConnection();
    }

    @Override
    public void close() {
        adapter.stop();
    }

    /** A task under {@code root/<taskId>/} with PATH set, stdout and stderr in a sub-folder that does not exist yet. */
    static TaskSpec task(Path root, String taskId, String... command) {
        return task(root, taskId, PATH, List.of(command));
    }

    static TaskSpec task(Path root, String taskId, Map<String, String> environment, List<String> command) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, command, environment, dir.resolve("work").toString(), null,
                dir.resolve("logs/stdout.txt").toString(), dir.resolve("logs/stderr.txt").toString(), 1, 0, null);
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A shell command that runs until {@code marker} exists, so a test decides when a task ends instead of guessing
     * with a sleep; it gives up with exit code 3 after a minute, so that a failed test leaves nothing running for long.
     */
    static String runUntilExists(Path marker) {
        return "i=0; while [ ! -e '" + marker + "' ]; do"
                + " [ $i -ge 1200 ] && exit 3; i=$((i + 1)); sleep 0.05; done";
    }

    /** Creates {@code marker}, ending the tasks that wait for it with {@link #runUntilExists(Path)}. */
    static void create(Path marker) {
        try {
            Files.createFile(marker);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until the task's stdout holds at least {@code lines} lines and returns them. */
    static List<String> awaitLines(TaskSpec spec, int lines) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Path file = Path.of(spec.stdout());
            if (Files.exists(file)) {
                List<String> found = read(spec.stdout()).lines().toList();
                if (found.size() >= lines) {
                    return found;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the task did not print " + lines + " lines in time");
    }

    /** Whether a process runs, judged independently of the backend: alive in the JDK's eyes and not a zombie. */
    static boolean runs(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
