package io.cairn.compute.ra.gridengine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gridengine backend against the real sge_qmaster and sge_execd of {@code bin/backends/gridengine start}, jobs
 * submitted as the cell's unprivileged job user. Scenarios: exact output bytes and a non-zero exit code (with a
 * {@code #$} line in the task's data that qsub must not take as an option), a zero exit with standard input, the
 * working folder and exactly the task's environment, slots, cancel (checked in qstat afterwards), cores, memory and time limit as qsub options, adoption of a running job and
 * a queued task by a second backend on the same state folder, a restart of sge_qmaster under a running task, and
 * the submit-to-start latency of 10 tasks.
 */
class GridEngineDaemonTest {

    private static final Duration LONG = Duration.ofSeconds(90);

    @TempDir
    Path state;

    GridEngineDaemon sge;
    Path shared;

    @BeforeEach
    void daemon() throws Exception {
        sge = GridEngineDaemon.require();
        shared = sge.sharedFolder("test");
    }

    @Test
    void exactStdoutStderrAndExitCode3() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {'o', 'u', 't', 0, (byte) 0xff, ' '});
        expected.writeBytes("é\n\nno newline".getBytes(StandardCharsets.UTF_8));
        byte[] out = expected.toByteArray();
        try (GridEngineDaemon.Pool pool = sge.pool(state, 4); ComputeConnection c = pool.connect()) {
            // "#$ -h" on a line of its own would hold the job for ever if qsub read it as an option
            TaskSpec spec = GridEngineDaemon.task(shared, "exit3", "/bin/sh", "-c",
                    "printf 'out\\000\\377 \\303\\251\\n\\nno newline'; printf 'err $(x) `y`\\n' >&2; exit 3",
                    "name\n#$ -h\n#$ -m bea\n");
            String id = c.submit(spec);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertEquals(3, status.exitCode());
            assertNotNull(status.startedAt());
            assertArrayEquals(out, Files.readAllBytes(Path.of(spec.stdout())));
            assertArrayEquals(out, readAll(c, id, LogStream.STDOUT));
            assertEquals("err $(x) `y`\n", new String(readAll(c, id, LogStream.STDERR), StandardCharsets.UTF_8));
            String accounting = sge.tool("qacct", "-j", pool.backend().jobId(id));
            assertTrue(accounting.contains("owner        " + sge.user), accounting);
        }
    }

    @Test
    void aZeroExitCompletesInTheWorkingFolderWithStdinAndOnlyTheTasksEnvironment() throws Exception {
        Path input = shared.resolve("input.bin");
        byte[] data = {1, 0, 2, (byte) 0xfe, '\n', '\'', '"'};
        Files.write(input, data);
        try (GridEngineDaemon.Pool pool = sge.pool(state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec plain = GridEngineDaemon.task(shared, "ok", "/bin/sh", "-c",
                    "cat; pwd >&2; echo \"${SGE_ROOT:-no SGE_ROOT}|${JOB_ID:-no JOB_ID}|$0\" >&2", "it's");
            TaskSpec spec = new TaskSpec(plain.taskId(), plain.command(), plain.environment(), plain.workDir(),
                    input.toString(), plain.stdout(), plain.stderr(), 1, 0, null);
            String id = c.submit(spec);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals(0, status.exitCode());
            assertArrayEquals(data, Files.readAllBytes(Path.of(spec.stdout())));
            assertEquals(spec.workDir() + "\nno SGE_ROOT|no JOB_ID|it's\n", Files.readString(Path.of(spec.stderr())),
                    "exactly the task's environment");
            PoolStatus ping = c.ping();
            assertTrue(ping.up(), ping::toString);
            assertTrue(ping.detail().startsWith("Grid Engine"), ping::toString);
        }
    }

    @Test
    void slotsAreRespected() throws Exception {
        int slots = 2;
        int tasks = 5;
        try (GridEngineDaemon.Pool pool = sge.pool(state, slots); ComputeConnection c = pool.connect()) {
            List<String> ids = new ArrayList<>();
            List<TaskSpec> specs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                TaskSpec spec = GridEngineDaemon.task(shared, "slot" + i, "/bin/sh", "-c",
                        "date +%s%N; sleep 2; date +%s%N");
                specs.add(spec);
                ids.add(c.submit(spec));
            }
            PoolStatus busy = c.ping();
            assertEquals(slots, busy.slots());
            assertTrue(busy.running() <= slots && busy.queued() >= tasks - slots, busy::toString);
            long[][] spans = new long[tasks][];
            for (int i = 0; i < tasks; i++) {
                TaskStatus status = c.await(ids.get(i), LONG);
                assertEquals(TaskState.COMPLETE, status.state(), status::toString);
                String[] lines = Files.readString(Path.of(specs.get(i).stdout())).strip().split("\n");
                spans[i] = new long[] {Long.parseLong(lines[0]), Long.parseLong(lines[1])};
            }
            int most = 0;
            for (long[] span : spans) {
                int overlapping = 0;
                for (long[] other : spans) {
                    if (other[0] <= span[0] && span[0] < other[1]) {
                        overlapping++;
                    }
                }
                most = Math.max(most, overlapping);
            }
            assertEquals(slots, most, "most tasks running at once");
        }
    }

    @Test
    void cancelDeletesTheJob() throws Exception {
        try (GridEngineDaemon.Pool pool = sge.pool(state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = GridEngineDaemon.task(shared, "cancel", "/bin/sh", "-c", "echo started; exec sleep 307");
            String id = c.submit(spec);
            assertEquals(TaskState.RUNNING, GridEngineDaemon.waitFor(c, id, TaskState.RUNNING).state());
            String jobId = pool.backend().jobId(id);
            assertTrue(sge.listed(jobId), "qstat lists the running job");
            c.cancel(id);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.CANCELED, status.state(), status::toString);
            assertFalse(sge.listed(jobId), "qstat still lists job " + jobId);
            String accounting = sge.tool("qacct", "-j", jobId);
            assertTrue(accounting.contains("exit_status  137"), accounting);
            Process pgrep = new ProcessBuilder("pgrep", "-f", "^sleep 307$").start();
            assertEquals(1, pgrep.waitFor(), "the job's sleep still runs");
            c.cancel(id); // again: nothing happens
            assertEquals(TaskState.CANCELED, c.status(id).state());
        }
    }

    /**
     * Cores become slots of the cell's parallel environment ({@code -pe cairn-smp 2}), memory the per-slot
     * {@code h_vmem} (100 MiB over 2 slots: 50M each, which Grid Engine multiplies back to a 100 MiB address space
     * limit), and the time limit {@code h_rt}, which Grid Engine enforces by killing the job.
     */
    @Test
    void coresMemoryAndTimeLimitBecomeQsubOptions() throws Exception {
        try (GridEngineDaemon.Pool pool = sge.pool(state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec sized = GridEngineDaemon.task(shared, "sized", 2, 100, 0,
                    List.of("/bin/sh", "-c", "ulimit -v"));
            TaskSpec limited = GridEngineDaemon.task(shared, "limited", 1, 0, 2,
                    List.of("/bin/sh", "-c", "echo started; exec sleep 60"));
            String sizedId = c.submit(sized);
            String limitedId = c.submit(limited);
            TaskStatus status = c.await(sizedId, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("102400\n", Files.readString(Path.of(sized.stdout())), "ulimit -v in KiB");
            String accounting = sge.tool("qacct", "-j", pool.backend().jobId(sizedId));
            assertTrue(accounting.contains("granted_pe   " + sge.pe), accounting);
            assertTrue(accounting.contains("slots        2"), accounting);
            assertTrue(accounting.contains("h_vmem=50M"), accounting);

            long before = System.nanoTime();
            TaskStatus killed = c.await(limitedId, LONG);
            assertEquals(TaskState.EXECUTOR_ERROR, killed.state(), killed::toString);
            assertEquals(137, killed.exitCode());
            assertTrue(killed.message().contains("time or memory limit"), killed::toString);
            assertTrue((System.nanoTime() - before) / 1_000_000_000L < 30, "the time limit was not enforced");
            assertEquals("started\n", Files.readString(Path.of(limited.stdout())));
        }
    }

    @Test
    void aSecondBackendAdoptsRunningAndQueuedTasks() throws Exception {
        String running;
        String queued;
        String jobId;
        TaskSpec first = GridEngineDaemon.task(shared, "adopt-run", "/bin/sh", "-c", "sleep 4; echo ran");
        TaskSpec second = GridEngineDaemon.task(shared, "adopt-queued", "/bin/echo", "queued ran");
        try (GridEngineDaemon.Pool pool = sge.pool(state, 1); ComputeConnection c = pool.connect()) {
            running = c.submit(first);
            assertEquals(running, c.submit(first), "submitting twice is one task");
            queued = c.submit(second);
            assertEquals(TaskState.RUNNING, GridEngineDaemon.waitFor(c, running, TaskState.RUNNING).state());
            assertEquals(TaskState.QUEUED, c.status(queued).state());
            jobId = pool.backend().jobId(running);
        }
        try (GridEngineDaemon.Pool pool = sge.pool(state, 1); ComputeConnection c = pool.connect()) {
            assertEquals(running, c.submit(first), "the new backend knows the task");
            assertEquals(jobId, pool.backend().jobId(running), "and its job");
            TaskStatus status = c.await(running, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("ran\n", Files.readString(Path.of(first.stdout())));
            TaskStatus later = c.await(queued, LONG);
            assertEquals(TaskState.COMPLETE, later.state(), later::toString);
            assertEquals("queued ran\n", Files.readString(Path.of(second.stdout())));
            assertEquals(Set.of(jobId), sge.jobsNamed("cairn-" + running), "one job for the adopted task");
            assertEquals(1, sge.jobsNamed("cairn-" + queued).size());
        }
    }

    @Test
    void aTaskOutlivesARestartOfQmaster() throws Exception {
        try (GridEngineDaemon.Pool pool = sge.pool(state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = GridEngineDaemon.task(shared, "restart", "/bin/sh", "-c", "sleep 12; echo survived");
            String id = c.submit(spec);
            assertEquals(TaskState.RUNNING, GridEngineDaemon.waitFor(c, id, TaskState.RUNNING).state());
            long before = System.nanoTime();
            GridEngineDaemon.script("restart-qmaster");
            long restart = (System.nanoTime() - before) / 1_000_000;
            TaskStatus during = c.status(id);
            assertFalse(during.state().isTerminal(), during::toString);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("survived\n", Files.readString(Path.of(spec.stdout())));
            System.out.println("gridengine: sge_qmaster restarted in " + restart + " ms under a running task;"
                    + " the task completed");
        }
    }

    @Test
    void medianSubmitToStartLatencyOf10Tasks() throws Exception {
        List<Long> latencies = new ArrayList<>();
        try (GridEngineDaemon.Pool pool = sge.pool(state, 4); ComputeConnection c = pool.connect()) {
            for (int i = 0; i < 10; i++) {
                TaskSpec spec = GridEngineDaemon.task(shared, "latency" + i, "/bin/date", "+%s%N");
                long submitted = System.currentTimeMillis();
                String id = c.submit(spec);
                TaskStatus status = c.await(id, LONG);
                assertEquals(TaskState.COMPLETE, status.state(), status::toString);
                long started = Long.parseLong(Files.readString(Path.of(spec.stdout())).strip()) / 1_000_000;
                latencies.add(started - submitted);
            }
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long median = (sorted.get(4) + sorted.get(5)) / 2;
        System.out.println("gridengine: submit-to-start latency of 10 sequential tasks: median " + median
                + " ms, min " + sorted.get(0) + " ms, max " + sorted.get(9) + " ms, all " + latencies);
        assertTrue(sorted.get(0) >= 0, "a task started before it was submitted: " + latencies);
    }

    private static byte[] readAll(ComputeConnection c, String id, LogStream stream) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            LogChunk chunk = c.logs(id, stream, offset, 4);
            if (chunk.data().length == 0) {
                return all.toByteArray();
            }
            all.writeBytes(chunk.data());
            offset = chunk.nextOffset();
        }
    }
}
