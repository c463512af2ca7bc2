package io.cairn.compute.ra.gridengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.ComputeResourceAdapter;
import io.cairn.compute.ra.batch.BatchBackend;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;

/**
 * The Grid Engine cell started by {@code bin/backends/gridengine start}, found through the variables it prints (or
 * system properties of the same name in lower case with dots: {@code cairn.sge.root}). When they are missing, or
 * qmaster does not answer, the daemon tests fail under {@code CI=true} or {@code -Dcairn.backends.required=true} and
 * are skipped otherwise.
 */
final class GridEngineDaemon {

    static final Map<String, String> PATH = Map.of("PATH", "/usr/bin:/bin");

    final String root = setting("CAIRN_SGE_ROOT");
    final String cell = setting("CAIRN_SGE_CELL");
    final String user = setting("CAIRN_SGE_USER");
    final String pe = setting("CAIRN_SGE_PE");
    final String shared = setting("CAIRN_SGE_SHARED_DIR");

    static GridEngineDaemon require() throws IOException, InterruptedException {
        GridEngineDaemon daemon = new GridEngineDaemon();
        String why = null;
        if (daemon.root == null || daemon.cell == null || daemon.user == null || daemon.shared == null) {
            why = "no Grid Engine: run bin/backends/gridengine start and export the CAIRN_SGE_* variables it prints";
        } else if (!daemon.answers()) {
            why = "Grid Engine's qmaster does not answer (qconf -sss as " + daemon.user
                    + "): run bin/backends/gridengine start";
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI")) || Boolean.getBoolean("cairn.backends.required")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return daemon;
    }

    private static String setting(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        }
        return value == null || value.isBlank() ? null : value;
    }

    private boolean answers() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(asUser("qconf", "-sss")).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }

    /** A fresh folder under the shared folder that the job user may write. */
    Path sharedFolder(String name) throws IOException {
        Path dir = Files.createTempDirectory(Path.of(shared), name + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** A pool wired as the server wires it, submitting as the cell's job user; closing it stops the adapter. */
    Pool pool(Path stateDir, int slots) {
        return new Pool(stateDir, slots);
    }

    final class Pool implements AutoCloseable {
        final ComputeResourceAdapter adapter = new ComputeResourceAdapter();
        final GridEngineManagedConnectionFactory managedFactory = new GridEngineManagedConnectionFactory();
        final ComputeConnectionFactory factory;

        Pool(Path stateDir, int slots) {
            adapter.start(null);
            managedFactory.setSlots(slots);
            managedFactory.setStateDir(stateDir.toString());
            managedFactory.setSgeRoot(root);
            managedFactory.setSgeCell(cell);
            managedFactory.setSubmitUser(user);
            managedFactory.setParallelEnvironment(pe);
            managedFactory.setSharedRoot(shared);
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

        /** The pool's backend, to read a task's job id. */
        BatchBackend backend() {
            return (BatchBackend) adapter.backend("gridengine:" + managedFactory.effectiveStateDir(),
                    managedFactory.configuration(), executor -> {
                        throw new IllegalStateException("the pool has no backend yet");
                    });
        }

        @Override
        public void close() {
            adapter.stop();
        }
    }

    static TaskSpec task(Path root, String taskId, String... command) {
        return task(root, taskId, 1, 0, 0, List.of(command));
    }

    static TaskSpec task(Path root, String taskId, int cores, long memoryMb, long timeLimitSeconds,
                         List<String> command) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, command, PATH, dir.resolve("work").toString(), null,
                dir.resolve("logs/stdout.txt").toString(), dir.resolve("logs/stderr.txt").toString(), cores,
                memoryMb, null, false, List.of(), false, timeLimitSeconds);
    }

    /** Polls until the task is in one of the states (or terminal), at most 60 s. */
    static TaskStatus waitFor(ComputeConnection connection, String id, TaskState... states)
            throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        TaskStatus status = connection.status(id);
        while (System.nanoTime() < deadline) {
            status = connection.status(id);
            for (TaskState state : states) {
                if (status.state() == state) {
                    return status;
                }
            }
            if (status.state().isTerminal()) {
                return status;
            }
            Thread.sleep(100);
        }
        return status;
    }

    /** A Grid Engine tool as the job user (qstat shows only the caller's jobs), with this cell. */
    List<String> asUser(String... command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "SGE_ROOT=" + root,
                "SGE_CELL=" + cell));
        full.addAll(List.of(command));
        return full;
    }

    /** Runs a tool as the job user and returns what it printed (standard output and error). */
    String tool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(asUser(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    /** Ids of the jobs of that name that qstat lists (waiting, running, finished) or qacct has recorded. */
    TreeSet<String> jobsNamed(String name) throws IOException, InterruptedException {
        TreeSet<String> ids = new TreeSet<>();
        for (GridEngineJobs.Listed job : GridEngineJobs.parseQstatXml(tool("qstat", "-xml", "-s", "prsz"))) {
            if (job.name().equals(name)) {
                ids.add(job.jobId());
            }
        }
        for (GridEngineJobs.Accounted record : GridEngineJobs.parseQacct(tool("qacct", "-j", name),
                ZoneId.systemDefault())) {
            if (name.equals(record.name())) {
                ids.add(record.jobId());
            }
        }
        return ids;
    }

    /** Runs bin/backends/gridengine with an argument (from the module folder, where surefire runs). */
    static void script(String argument) throws IOException, InterruptedException {
        Path script = Path.of("../../bin/backends/gridengine").toAbsolutePath().normalize();
        Process process = new ProcessBuilder(script.toString(), argument).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> script + " " + argument + ": " + out);
    }

    /** Whether qstat lists the job as waiting, running or suspended (not finished). */
    boolean listed(String jobId) throws IOException, InterruptedException {
        for (GridEngineJobs.Listed job : GridEngineJobs.parseQstatXml(tool("qstat", "-xml", "-s", "prs"))) {
            if (job.jobId().equals(jobId)) {
                return true;
            }
        }
        return false;
    }
}
