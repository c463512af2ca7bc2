package io.cairn.compute.ra.docker;

import static io.cairn.compute.ra.docker.DockerPool.task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker backend against a real dockerd ({@code bin/backends/docker start}). Each test has a pool name of its
 * own, so its containers are its own. Scenarios: exact output bytes and exit code; read-only inputs; stdin; the
 * slot limit; idempotent submit; cancel of running and queued tasks, checked on dockerd; adoption by a second
 * backend; no network by default; a missing image; the time limit; logs while running; submit-to-start latency.
 */
class DockerDaemonTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private String poolName;

    @BeforeEach
    void requireDockerd() {
        DockerPool.socket();
        poolName = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    private DockerPool pool(int slots) {
        return new DockerPool(poolName, root.resolve("state"), slots);
    }

    @Test
    void runsACommandWithExactOutputBytesAndExitCode() {
        TaskSpec spec = task(root, "exact", "/bin/sh", "-c",
                "printf 'out\\377\\000no newline'; printf 'err\\n\\001' >&2; printf '%s|%s' \"$1\" \"$PATH\" >&2;"
                        + " exit 3", "cairn-task", "a b; $(x)");
        try (DockerPool pool = pool(2); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertEquals(3, status.exitCode());
            assertNotNull(status.startedAt());
            assertFalse(status.endedAt().isBefore(status.startedAt()));
            assertArrayEquals(new byte[] {'o', 'u', 't', (byte) 0xff, 0, 'n', 'o', ' ', 'n', 'e', 'w', 'l', 'i', 'n',
                    'e'}, DockerPool.read(spec.stdout()));
            assertEquals("err\n\001a b; $(x)|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    new String(DockerPool.read(spec.stderr()), StandardCharsets.UTF_8),
                    "arguments arrive untouched; the host PATH is replaced by the image's");
            assertFalse(DockerPool.exists(id), "the container is removed once its output is collected");
            assertEquals(status, connection.status(id), "the recorded status answers after the removal");
            LogChunk tail = connection.logs(id, LogStream.STDOUT, 3, 100);
            assertEquals(12, tail.data().length);
            assertEquals(15, tail.nextOffset());
        }
    }

    @Test
    void aTaskWithoutImageRunsInTheDefaultImageAsTheWorkFolderOwner() throws IOException {
        TaskSpec spec = task(root, "plain", null, List.of("/bin/sh", "-c", "id -u; id -g; echo made > made.txt"));
        Files.createDirectories(Path.of(spec.workDir()));
        Files.setAttribute(Path.of(spec.workDir()), "unix:uid", 4321);
        Files.setAttribute(Path.of(spec.workDir()), "unix:gid", 4322);
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            TaskStatus status = connection.await(connection.submit(spec), WAIT);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("4321\n4322\n", new String(DockerPool.read(spec.stdout()), StandardCharsets.UTF_8));
            assertEquals(4321, Files.getAttribute(Path.of(spec.workDir(), "made.txt"), "unix:uid"));
        }
    }

    @Test
    void readsAReadOnlyInputAndCannotWriteIt() throws IOException {
        Path inputs = Files.createDirectories(root.resolve("inputs"));
        Path input = Files.writeString(inputs.resolve("in.txt"), "input data\n");
        TaskSpec spec = DockerPool.with(task(root, "ro", "/bin/sh", "-c",
                "cat '" + input + "'; echo changed > '" + input + "'"), null, List.of(inputs.toString()), false, 0);
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            TaskStatus status = connection.await(connection.submit(spec), WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertEquals("input data\n", new String(DockerPool.read(spec.stdout()), StandardCharsets.UTF_8));
            assertTrue(new String(DockerPool.read(spec.stderr()), StandardCharsets.UTF_8)
                    .contains("Read-only file system"));
            assertEquals("input data\n", Files.readString(input));
        }
    }

    @Test
    void feedsStdinByteForByte() throws IOException {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        Path stdin = Files.write(root.resolve("stdin.bin"), data);
        TaskSpec spec = DockerPool.with(task(root, "stdin", "cat"), stdin.toString(), List.of(), false, 0);
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            TaskStatus status = connection.await(connection.submit(spec), WAIT);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertArrayEquals(data, DockerPool.read(spec.stdout()));
        }
    }

    @Test
    void neverRunsMoreContainersThanSlots() throws InterruptedException {
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            specs.add(task(root, "slot" + i, "/bin/sh", "-c", "sleep 1"));
        }
        try (DockerPool pool = pool(2); ComputeConnection connection = pool.connect()) {
            List<String> ids = specs.stream().map(connection::submit).toList();
            int most = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ids.stream().anyMatch(id -> !connection.status(id).state().isTerminal())
                    && System.nanoTime() < deadline) {
                PoolStatus ping = connection.ping();
                most = Math.max(most, ping.running());
                assertTrue(ping.running() <= 2, () -> "running: " + ping);
                Thread.sleep(50);
            }
            List<TaskStatus> done = ids.stream().map(id -> connection.await(id, WAIT)).toList();
            done.forEach(status -> assertEquals(TaskState.COMPLETE, status.state(), status::toString));
            assertEquals(2, most, "two ran at once");
            for (TaskStatus status : done) { // by dockerd's own start and end times: at most 2 overlap at any start
                long overlapping = done.stream().filter(other -> !other.startedAt().isAfter(status.startedAt())
                        && other.endedAt().isAfter(status.startedAt())).count();
                assertTrue(overlapping <= 2, done::toString);
            }
            assertFalse(done.get(2).startedAt().isBefore(done.get(0).startedAt()), "started in submission order");
        }
    }

    @Test
    void submittingATaskIdAgainReturnsTheFirstTaskAndRunsNothing() throws IOException {
        TaskSpec first = task(root, "once", "/bin/sh", "-c", "echo run >> count.txt");
        TaskSpec again = task(root, "once", "/bin/sh", "-c", "echo second >> count.txt");
        String id;
        try (DockerPool pool = pool(2); ComputeConnection connection = pool.connect()) {
            id = connection.submit(first);
            assertEquals(id, connection.submit(again));
            assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
            assertEquals(id, connection.submit(again), "also once the container is removed");
        }
        try (DockerPool restarted = pool(2); ComputeConnection connection = restarted.connect()) {
            assertEquals(id, connection.submit(again), "and after a restart");
            assertEquals(TaskState.COMPLETE, connection.status(id).state());
        }
        assertEquals("run\n", Files.readString(Path.of(first.workDir(), "count.txt")));
    }

    @Test
    void cancelKillsARunningTaskAndAQueuedOneAndRemovesTheirContainers() throws InterruptedException {
        TaskSpec running = task(root, "victim", "/bin/sh", "-c", "echo up; sleep 300");
        TaskSpec queued = task(root, "waiting", "/bin/sh", "-c", "echo never");
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String runningId = connection.submit(running);
            String queuedId = connection.submit(queued);
            awaitLog(connection, runningId, "up\n");
            assertEquals(TaskState.RUNNING, connection.status(runningId).state());
            assertEquals(TaskState.QUEUED, connection.status(queuedId).state());

            connection.cancel(queuedId);
            assertEquals(TaskState.CANCELED, connection.status(queuedId).state());
            assertFalse(DockerPool.exists(queuedId));
            connection.cancel(runningId);
            TaskStatus canceled = connection.status(runningId);
            assertEquals(TaskState.CANCELED, canceled.state());
            assertNull(canceled.exitCode());
            assertFalse(DockerPool.exists(runningId), "dockerd no longer has the container");
            assertEquals(0, connection.ping().running());
            connection.cancel(runningId); // nothing to do
            assertEquals(TaskState.SYSTEM_ERROR, connection.status("cairn-" + poolName + "-nope-000000000000")
                    .state());
            assertEquals(TaskState.SYSTEM_ERROR, connection.status("../../etc").state());
        }
    }

    @Test
    void aSignalFromOutsideCairnMakesTheTaskLostButACommandsOwnSignalIsItsExit() throws InterruptedException,
            IOException {
        TaskSpec own = task(root, "suicide", "/bin/sh", "-c",
                "sh -c 'kill -9 $$'; code=$?; exit $code"); // not PID 1, which signals from inside cannot kill
        TaskSpec stopped = task(root, "stopped", "/bin/sh", "-c", "echo up; sleep 300");
        try (DockerPool pool = pool(2); ComputeConnection connection = pool.connect()) {
            String ownId = connection.submit(own);
            TaskStatus ownStatus = connection.await(ownId, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, ownStatus.state(), ownStatus::toString);
            assertEquals(137, ownStatus.exitCode(), "the command killed itself: that is its exit code");

            String stoppedId = connection.submit(stopped);
            awaitLog(connection, stoppedId, "up\n");
            // what dockerd does to its containers when it shuts down, sent here by an outside client
            int killed = DockerPool.docker().send("POST", DockerBackend.API + "/containers/" + stoppedId
                    + "/kill?signal=KILL", null, Duration.ofSeconds(10)).status();
            assertEquals(204, killed);
            TaskStatus status = connection.await(stoppedId, WAIT);
            assertEquals(TaskState.SYSTEM_ERROR, status.state(), status::toString);
            assertNull(status.exitCode());
            assertTrue(status.message().startsWith(DockerBackend.LOST), status::toString);
            assertTrue(status.message().contains("exit code 137"), status::toString);
        }
    }

    @Test
    void aNewBackendAdoptsRunningAndQueuedContainers() throws IOException, InterruptedException {
        TaskSpec running = task(root, "running", "/bin/sh", "-c", "echo run >> count.txt; echo up; "
                + DockerPool.runUntilExists(root.resolve("running/work/release")));
        TaskSpec queued = task(root, "queued", "/bin/sh", "-c", "echo run >> count.txt; echo done");
        String runningId;
        String queuedId;
        DockerPool first = pool(1);
        try (ComputeConnection connection = first.connect()) {
            runningId = connection.submit(running);
            queuedId = connection.submit(queued);
            awaitLog(connection, runningId, "up\n");
            assertEquals(TaskState.QUEUED, connection.status(queuedId).state());
        }
        first.close(); // the "crash": the backend goes away, its containers must not
        assertTrue(DockerPool.exists(runningId));

        try (DockerPool second = pool(1); ComputeConnection connection = second.connect()) {
            assertEquals(runningId, connection.submit(running), "nothing is submitted twice");
            assertEquals(TaskState.RUNNING, connection.status(runningId).state());
            assertEquals(TaskState.QUEUED, connection.status(queuedId).state(), "the adopted task holds the slot");
            PoolStatus ping = connection.ping();
            assertEquals(1, ping.running(), ping::toString);
            assertEquals(1, ping.queued(), ping::toString);

            Files.createFile(root.resolve("running/work/release"));
            TaskStatus ran = connection.await(runningId, WAIT);
            TaskStatus followed = connection.await(queuedId, WAIT);
            assertEquals(TaskState.COMPLETE, ran.state(), ran::toString);
            assertEquals(TaskState.COMPLETE, followed.state(), followed::toString);
            assertFalse(followed.startedAt().isBefore(ran.endedAt()));
            assertEquals("up\n", new String(DockerPool.read(running.stdout()), StandardCharsets.UTF_8));
            assertEquals("done\n", new String(DockerPool.read(queued.stdout()), StandardCharsets.UTF_8));
        }
        assertEquals("run\n", Files.readString(Path.of(running.workDir(), "count.txt")));
        assertEquals("run\n", Files.readString(Path.of(queued.workDir(), "count.txt")));
    }

    @Test
    void aTaskHasNoNetworkUnlessItAsks() {
        TaskSpec spec = task(root, "net", "ls", "/sys/class/net");
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            TaskStatus status = connection.await(connection.submit(spec), WAIT);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals("lo\n", new String(DockerPool.read(spec.stdout()), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aRequiredImageThatDoesNotExistIsASystemErrorNamingIt() {
        TaskSpec required = task(root, "noimage", "cairn/no-such-image:1", List.of("true"));
        TaskSpec hinted = new TaskSpec("hinted", List.of("true"), required.environment(), root.resolve("h").toString(),
                null, root.resolve("h/out").toString(), root.resolve("h/err").toString(), 1, 0,
                "cairn/no-such-image:1", false, List.of(), false, 0);
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(required);
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.SYSTEM_ERROR, status.state());
            assertTrue(status.message().contains("image cairn/no-such-image:1 is not on dockerd"), status.message());
            assertTrue(status.message().contains("pullPolicy=never"), status.message());
            assertEquals(id, connection.submit(required));
            assertEquals(TaskState.COMPLETE, connection.await(connection.submit(hinted), WAIT).state(),
                    "a hinted image that is missing falls back to the default image");
        }
    }

    @Test
    void aTaskPastItsTimeLimitIsKilledAndSaysSo() {
        TaskSpec spec = DockerPool.with(task(root, "slow", "sleep", "120"), null, List.of(), false, 1);
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertTrue(status.message().contains("time limit of 1 s"), status.message());
            assertTrue(Duration.between(status.startedAt(), status.endedAt()).toSeconds() < 30, status::toString);
            assertFalse(DockerPool.exists(id));
        }
    }

    @Test
    void logsCanBeReadWhileTheTaskRuns() throws InterruptedException, IOException {
        TaskSpec spec = task(root, "talk", "/bin/sh", "-c",
                "echo first; echo oops >&2; " + DockerPool.runUntilExists(root.resolve("talk/work/release"))
                        + "; echo second");
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            awaitLog(connection, id, "first\n");
            assertEquals(TaskState.RUNNING, connection.status(id).state());
            LogChunk err = connection.logs(id, LogStream.STDERR, 0, 1000);
            assertEquals("oops\n", new String(err.data(), StandardCharsets.UTF_8));
            LogChunk past = connection.logs(id, LogStream.STDOUT, 6, 1000);
            assertEquals(0, past.data().length);
            assertEquals(6, past.nextOffset());
            Files.createFile(root.resolve("talk/work/release"));
            assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
            LogChunk rest = connection.logs(id, LogStream.STDOUT, 6, 1000);
            assertEquals("second\n", new String(rest.data(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void pingCountsThePoolsContainers() {
        try (DockerPool pool = pool(3); ComputeConnection connection = pool.connect()) {
            PoolStatus ping = connection.ping();
            assertTrue(ping.up(), ping::toString);
            assertEquals(3, ping.slots());
            assertEquals(0, ping.running());
            assertTrue(ping.detail().startsWith("dockerd "), ping.detail());
        }
    }

    @Test
    void submitToStartLatency() {
        List<Long> millis = new ArrayList<>();
        try (DockerPool pool = pool(1); ComputeConnection connection = pool.connect()) {
            for (int i = 0; i < 10; i++) {
                Instant submitted = Instant.now();
                TaskStatus status = connection.await(connection.submit(task(root, "lat" + i, "true")), WAIT);
                assertEquals(TaskState.COMPLETE, status.state(), status::toString);
                millis.add(Duration.between(submitted, status.startedAt()).toMillis());
            }
        }
        List<Long> sorted = millis.stream().sorted().toList();
        long median = (sorted.get(4) + sorted.get(5)) / 2;
        // reported, not asserted: a figure for docs/performance.md
        System.out.println("docker submit-to-start latency: median " + median + " ms of 10 " + millis);
    }

    /** Waits until the task's stdout, read through the backend, is exactly {@code expected}. */
    private static void awaitLog(ComputeConnection connection, String id, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = new String(connection.logs(id, LogStream.STDOUT, 0, 10_000).data(), StandardCharsets.UTF_8);
            if (seen.equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("stdout of " + id + " is " + seen + ", not " + expected);
    }
}
