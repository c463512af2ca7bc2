package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.batch.BatchBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Job arrays against the real Slurm of {@code bin/backends/slurm start}, in all three modes: 100 tasks with a
 * threshold of 10 go out as a few arrays (counted by their distinct array job ids, checked in Slurm) and each task
 * keeps its own exit code and output; the same 100 as single jobs, timed against the arrays; a cancel of one element
 * leaves the others; a second backend adopts array elements.
 */
class SlurmArrayDaemonTest {

    private static final Duration LONG = Duration.ofSeconds(180);

    @TempDir
    Path state;

    SlurmDaemon slurm;
    Path shared;

    @BeforeEach
    void daemon() throws Exception {
        slurm = SlurmDaemon.require();
        shared = slurm.sharedFolder("array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void hundredTasksGoOutAsArraysAndKeepTheirOwnResults(String mode) throws Exception {
        long arrays = run100(mode, "arrays", 10);
        long singles = run100(mode, "singles", 0);
        System.out.println("slurm " + mode + ": 100 trivial tasks, 16 slots: as job arrays (threshold 10) " + arrays
                + " ms, as 100 single submissions " + singles + " ms");
    }

    /** Runs 100 tasks with that threshold, checks them, and returns the wall time from first submit to last end. */
    private long run100(String mode, String name, int threshold) throws Exception {
        Path root = slurm.sharedFolder(name);
        Path stateDir = Files.createDirectories(state.resolve(name));
        try (SlurmDaemon.Pool pool = new SlurmDaemon.Pool(slurm, mode, stateDir, 16,
                factory -> factory.setArrayThreshold(threshold));
             ComputeConnection c = pool.connect()) {
            List<TaskSpec> specs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                TaskSpec spec = SlurmDaemon.task(root, "t" + i, "/bin/sh", "-c",
                        "printf 'task %s\\n' \"$0\"; printf 'err %s' \"$0\" >&2; exit \"$1\"", "t'" + i,
                        Integer.toString(i % 5));
                specs.add(spec);
                ids.add(c.submit(spec));
            }
            for (int i = 0; i < 100; i++) {
                TaskStatus status = c.await(ids.get(i), LONG);
                int code = i % 5;
                assertEquals(code == 0 ? TaskState.COMPLETE : TaskState.EXECUTOR_ERROR, status.state(),
                        () -> status.toString());
                assertEquals(code, status.exitCode(), status::toString);
                assertEquals("task t'" + i + "\n", Files.readString(Path.of(specs.get(i).stdout())));
                assertEquals("err t'" + i, Files.readString(Path.of(specs.get(i).stderr())));
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            BatchBackend backend = backend(pool);
            Set<String> submissions = new LinkedHashSet<>();
            List<String> elements = new ArrayList<>();
            for (String id : ids) {
                String jobId = backend.jobId(id);
                submissions.add(jobId.contains("_") ? jobId.substring(0, jobId.indexOf('_')) : jobId);
                if (jobId.contains("_")) {
                    elements.add(jobId);
                }
            }
            if (threshold > 0) {
                assertTrue(submissions.size() < 100, "100 tasks took " + submissions.size() + " submissions");
                assertTrue(elements.size() > 50, "only " + elements.size() + " tasks went out in arrays");
                // Slurm agrees: the element is part of that array and ended with the task's exit code
                String element = elements.get(elements.size() - 1);
                int index = ids.indexOf(idOf(backend, ids, element));
                String shown = slurm.tool("scontrol", "-o", "show", "job", element);
                assertTrue(shown.contains("ArrayJobId=" + element.substring(0, element.indexOf('_'))), shown);
                assertTrue(shown.contains(" ExitCode=" + (index % 5) + ":0"), shown);
                System.out.println("slurm " + mode + ": 100 tasks went out in " + submissions.size()
                        + " submissions, " + elements.size() + " of them as array elements");
            } else {
                assertEquals(100, submissions.size());
                assertTrue(elements.isEmpty(), elements::toString);
            }
            return wall;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void cancelingElementsLeavesTheOthers(String mode) throws Exception {
        // 4 slots: the array runs 4 elements at a time, so the last one is still pending when it is canceled.
        // One submission every 2 s: the first task goes out alone (the test waits for its job id), the other 11 are
        // queued within the next 2 s and go out together as one array, whatever the machine's load
        try (SlurmDaemon.Pool pool = new SlurmDaemon.Pool(slurm, mode, state, 4,
                factory -> {
                    factory.setArrayThreshold(10);
                    factory.setSubmitRatePerSecond(0.5);
                });
             ComputeConnection c = pool.connect()) {
            List<TaskSpec> specs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int running = 2;
            BatchBackend backend = backend(pool);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < 12; i++) {
                // the element canceled while it runs sleeps long enough that a slow node cannot finish it first
                // "&&": when scancel's SIGTERM kills the sleep before the shell, the shell must not go on to "done"
                TaskSpec spec = SlurmDaemon.task(shared, "c" + i, "/bin/sh", "-c", "echo started " + i
                        + "; sleep " + (i == running ? 120 : 2) + " && echo done " + i);
                specs.add(spec);
                ids.add(c.submit(spec));
                while (i == 0 && backend.jobId(ids.get(0)) == null && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            while (backend.jobId(ids.get(11)) == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            int pending = 11;
            String pendingElement = backend.jobId(ids.get(pending));
            assertTrue(pendingElement != null && pendingElement.contains("_"), "not an array element: "
                    + pendingElement);
            assertEquals(TaskState.QUEUED, c.status(ids.get(pending)).state());
            c.cancel(ids.get(pending));
            String runningElement = backend.jobId(ids.get(running));
            assertTrue(runningElement.contains("_"), runningElement);
            assertEquals(TaskState.RUNNING, SlurmDaemon.waitFor(c, ids.get(running), TaskState.RUNNING).state());
            // Slurm says RUNNING before the script ran its first line: wait for the command's own output
            Path started = Path.of(specs.get(running).stdout());
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(Files.exists(started) && Files.readString(started).startsWith("started"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            c.cancel(ids.get(running));
            for (int victim : new int[] {pending, running}) {
                TaskStatus canceled = c.await(ids.get(victim), LONG);
                assertEquals(TaskState.CANCELED, canceled.state(), canceled::toString);
            }
            for (int i = 0; i < 12; i++) {
                if (i == pending || i == running) {
                    continue;
                }
                TaskStatus status = c.await(ids.get(i), LONG);
                assertEquals(TaskState.COMPLETE, status.state(), status::toString);
                assertEquals("started " + i + "\ndone " + i + "\n", Files.readString(Path.of(specs.get(i).stdout())));
            }
            // Slurm: the running element was killed; the pending one left the array without ever starting
            String shown = slurm.tool("scontrol", "-o", "show", "job", runningElement);
            assertTrue(shown.contains("JobState=CANCELLED"), shown);
            assertEquals("started " + running + "\n", Files.readString(Path.of(specs.get(running).stdout())));
            assertEquals("", slurm.tool("squeue", "-h", "-t", "all", "-j", pendingElement, "-o", "%i %T").strip(),
                    "Slurm still holds " + pendingElement);
            assertTrue(!Files.exists(Path.of(specs.get(pending).stdout())), "the canceled pending element ran");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void aSecondBackendAdoptsArrayElements(String mode) throws Exception {
        List<TaskSpec> specs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> jobIds = new ArrayList<>();
        // one submission every 2 s: the first task goes out alone (the test waits for its job id), the other 11
        // are queued within the next 2 s and go out together as one array (more than the threshold of 10)
        try (SlurmDaemon.Pool pool = new SlurmDaemon.Pool(slurm, mode, state, 4,
                factory -> {
                    factory.setArrayThreshold(10);
                    factory.setSubmitRatePerSecond(0.5);
                });
             ComputeConnection c = pool.connect()) {
            BatchBackend backend = backend(pool);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < 12; i++) {
                TaskSpec spec = SlurmDaemon.task(shared, "a" + i, "/bin/sh", "-c", "sleep 1; echo adopted " + i);
                specs.add(spec);
                ids.add(c.submit(spec));
                while (i == 0 && backend.jobId(ids.get(0)) == null && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            while (backend.jobId(ids.get(11)) == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            for (String id : ids) {
                jobIds.add(backend.jobId(id));
            }
        }
        assertFalse(jobIds.get(0).contains("_"), jobIds::toString);
        for (int i = 1; i < 12; i++) {
            assertTrue(jobIds.get(i) != null && jobIds.get(i).contains("_"), jobIds::toString);
        }
        try (SlurmDaemon.Pool pool = new SlurmDaemon.Pool(slurm, mode, state, 4,
                factory -> factory.setArrayThreshold(10));
             ComputeConnection c = pool.connect()) {
            for (int i = 0; i < 12; i++) {
                assertEquals(ids.get(i), c.submit(specs.get(i)), "the new backend knows the task");
                TaskStatus status = c.await(ids.get(i), LONG);
                assertEquals(TaskState.COMPLETE, status.state(), status::toString);
                assertEquals("adopted " + i + "\n", Files.readString(Path.of(specs.get(i).stdout())));
                assertEquals(jobIds.get(i), backend(pool).jobId(ids.get(i)));
            }
        }
    }

    private static String idOf(BatchBackend backend, List<String> ids, String jobId) {
        for (String id : ids) {
            if (jobId.equals(backend.jobId(id))) {
                return id;
            }
        }
        throw new AssertionError("no task has job " + jobId);
    }

    private static BatchBackend backend(SlurmDaemon.Pool pool) {
        return (BatchBackend) pool.adapter.backend("slurm:" + pool.managedFactory.effectiveStateDir(),
                pool.managedFactory.configuration(), executor -> {
                    throw new IllegalStateException("the pool has no backend yet");
                });
    }
}
