package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.batch.BatchBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The slurm backend against the real slurmctld, slurmd, slurmrestd and login-node sshd of
 * {@code bin/backends/slurm start}, in all three modes (cli, ssh, rest). Scenarios: exact output bytes and exit code, standard input, slots, idempotent submit, cancel (checked in
 * Slurm afterwards), adoption by a second backend on the same state folder (of a running job and of a queued task),
 * a restart of slurmctld under a running task, and the submit-to-start latency of 10 tasks.
 */
class SlurmDaemonTest {

    private static final Duration LONG = Duration.ofSeconds(90);

    @TempDir
    Path state;

    SlurmDaemon slurm;
    Path shared;

    @BeforeEach
    void daemon() throws Exception {
        slurm = SlurmDaemon.require();
        shared = slurm.sharedFolder("test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void exactStdoutStderrAndExitCode3(String mode) throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {'o', 'u', 't', 0, (byte) 0xff, ' '});
        expected.writeBytes("é\n\nno newline".getBytes(StandardCharsets.UTF_8));
        byte[] out = expected.toByteArray();
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = SlurmDaemon.task(shared, "exit3", "/bin/sh", "-c",
                    "printf 'out\\000\\377 \\303\\251\\n\\nno newline'; printf 'err $(x) `y`\\n' >&2; exit 3");
            String id = c.submit(spec);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertEquals(3, status.exitCode());
            assertNotNull(status.startedAt());
            assertArrayEquals(out, Files.readAllBytes(Path.of(spec.stdout())));
            assertArrayEquals(out, readAll(c, id, LogStream.STDOUT));
            assertEquals("err $(x) `y`\n", new String(readAll(c, id, LogStream.STDERR), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void stdinIsFedAndWorkDirIsCurrent(String mode) throws Exception {
        Path input = shared.resolve("input.bin");
        byte[] data = {1, 0, 2, (byte) 0xfe, '\n', '\'', '"'};
        Files.write(input, data);
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = SlurmDaemon.task(shared, "stdin", input.toString(),
                    List.of("/bin/sh", "-c", "cat; pwd >&2"));
            String id = c.submit(spec);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals(0, status.exitCode());
            assertArrayEquals(data, Files.readAllBytes(Path.of(spec.stdout())));
            assertEquals(spec.workDir() + "\n", Files.readString(Path.of(spec.stderr())));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void slotsAreRespected(String mode) throws Exception {
        int slots = 2;
        int tasks = 5;
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, slots); ComputeConnection c = pool.connect()) {
            List<String> ids = new ArrayList<>();
            List<TaskSpec> specs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                TaskSpec spec = SlurmDaemon.task(shared, "slot" + i, "/bin/sh", "-c",
                        "date +%s%N; sleep 2; date +%s%N");
                specs.add(spec);
                ids.add(c.submit(spec));
            }
            PoolStatus busy = c.ping();
            assertTrue(busy.up(), busy::toString);
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

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void submittingTwiceGivesOneJob(String mode) throws Exception {
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = SlurmDaemon.task(shared, "twice", "/bin/echo", "once");
            String first = c.submit(spec);
            String second = c.submit(spec);
            assertEquals(first, second);
            assertEquals(TaskState.COMPLETE, c.await(first, LONG).state());
            assertEquals(first, c.submit(spec));
            assertEquals(1, slurm.jobsNamed("cairn-" + first).size());
            assertEquals("once\n", Files.readString(Path.of(spec.stdout())));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void cancelKillsTheJobInSlurm(String mode) throws Exception {
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = SlurmDaemon.task(shared, "cancel", "/bin/sh", "-c", "echo started; exec sleep 300");
            String id = c.submit(spec);
            assertEquals(TaskState.RUNNING, SlurmDaemon.waitFor(c, id, TaskState.RUNNING).state());
            c.cancel(id);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.CANCELED, status.state(), status::toString);
            String jobId = backend(pool).jobId(id);
            String shown = slurm.tool("scontrol", "-o", "show", "job", jobId);
            assertTrue(shown.contains("JobState=CANCELLED"), shown);
            assertTrue(slurm.tool("pgrep", "-f", "exec sleep 300").isBlank(), "the job's sleep still runs");
            c.cancel(id); // again: nothing happens
            assertEquals(TaskState.CANCELED, c.status(id).state());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void aSecondBackendAdoptsRunningAndQueuedTasks(String mode) throws Exception {
        String running;
        String queued;
        String jobId;
        TaskSpec first = SlurmDaemon.task(shared, "adopt-run", "/bin/sh", "-c", "sleep 4; echo ran");
        TaskSpec second = SlurmDaemon.task(shared, "adopt-queued", "/bin/echo", "queued ran");
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 1); ComputeConnection c = pool.connect()) {
            running = c.submit(first);
            queued = c.submit(second);
            assertEquals(TaskState.RUNNING, SlurmDaemon.waitFor(c, running, TaskState.RUNNING).state());
            assertEquals(TaskState.QUEUED, c.status(queued).state());
            jobId = backend(pool).jobId(running);
        }
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 1); ComputeConnection c = pool.connect()) {
            assertEquals(running, c.submit(first), "the new backend knows the task");
            assertEquals(jobId, backend(pool).jobId(running), "and its job");
            TaskStatus status = c.await(running, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("ran\n", Files.readString(Path.of(first.stdout())));
            TaskStatus later = c.await(queued, LONG);
            assertEquals(TaskState.COMPLETE, later.state(), later::toString);
            assertEquals("queued ran\n", Files.readString(Path.of(second.stdout())));
            assertEquals(List.of(jobId), slurm.jobsNamed("cairn-" + running));
            assertEquals(1, slurm.jobsNamed("cairn-" + queued).size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void aTaskOutlivesARestartOfSlurmctld(String mode) throws Exception {
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 4); ComputeConnection c = pool.connect()) {
            TaskSpec spec = SlurmDaemon.task(shared, "restart", "/bin/sh", "-c", "sleep 6; echo survived");
            String id = c.submit(spec);
            assertEquals(TaskState.RUNNING, SlurmDaemon.waitFor(c, id, TaskState.RUNNING).state());
            long before = System.nanoTime();
            SlurmDaemon.script("restart-ctld");
            long restart = (System.nanoTime() - before) / 1_000_000;
            TaskStatus during = c.status(id);
            assertTrue(!during.state().isTerminal(), during::toString);
            TaskStatus status = c.await(id, LONG);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("survived\n", Files.readString(Path.of(spec.stdout())));
            System.out.println("slurm " + mode + ": slurmctld restarted in " + restart + " ms under a running task;"
                    + " the task completed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "ssh", "rest"})
    void medianSubmitToStartLatencyOf10Tasks(String mode) throws Exception {
        List<Long> latencies = new ArrayList<>();
        try (SlurmDaemon.Pool pool = slurm.pool(mode, state, 4); ComputeConnection c = pool.connect()) {
            for (int i = 0; i < 10; i++) {
                TaskSpec spec = SlurmDaemon.task(shared, "latency" + i, "/bin/date", "+%s%N");
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
        System.out.println("slurm " + mode + ": submit-to-start latency of 10 sequential tasks: median " + median
                + " ms, min " + sorted.get(0) + " ms, max " + sorted.get(9) + " ms, all " + latencies);
        assertTrue(sorted.get(0) >= 0, "a task started before it was submitted: " + latencies);
    }

    private static BatchBackend backend(SlurmDaemon.Pool pool) {
        return (BatchBackend) pool.adapter.backend("slurm:" + pool.managedFactory.effectiveStateDir(),
                pool.managedFactory.configuration(), executor -> {
                    throw new IllegalStateException("the pool has no backend yet");
                });
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
