package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What survives the backend: a second backend on the same state folder (a restarted server) adopts running and
 * queued tasks, answers for finished ones and keeps submissions idempotent.
 */
class LocalAdoptionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void submittingATaskIdAgainReturnsTheFirstTaskAndRunsNothing() {
        Path count = root.resolve("count.txt");
        TaskSpec first = task(root, "once", "/bin/sh", "-c", "echo run >> " + count);
        TaskSpec again = task(root, "once", "/bin/sh", "-c", "echo second >> " + count);
        String id;
        try (LocalPool pool = new LocalPool(root.resolve("state"), 2); ComputeConnection connection = pool.connect()) {
            id = connection.submit(first);
            assertEquals(id, connection.submit(again));
            assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
        }
        try (LocalPool restarted = new LocalPool(root.resolve("state"), 2);
             ComputeConnection connection = restarted.connect()) {
            assertEquals(id, connection.submit(again), "the task-id index survives a restart");
            assertEquals(TaskState.COMPLETE, connection.status(id).state());
            assertEquals(0, connection.ping().running());
        }
        assertEquals("run\n", LocalPool.read(count.toString()));
    }

    @Test
    void aNewBackendAdoptsRunningAndQueuedTasks() throws InterruptedException {
        Path release = root.resolve("release");
        TaskSpec running = task(root, "running", "/bin/sh", "-c", "echo $$; " + LocalPool.runUntilExists(release));
        TaskSpec queued = task(root, "queued", "/bin/sh", "-c", "echo done");
        String runningId;
        String queuedId;
        long pid;
        LocalPool first = new LocalPool(root.resolve("state"), 1);
        try (ComputeConnection connection = first.connect()) {
            runningId = connection.submit(running);
            queuedId = connection.submit(queued);
            pid = Long.parseLong(LocalPool.awaitLines(running, 1).get(0));
            assertEquals(TaskState.QUEUED, connection.status(queuedId).state());
        }
        first.close(); // the "crash": the backend goes away, its tasks must not

        assertTrue(LocalPool.runs(pid), "stopping the backend killed the task");
        try (LocalPool second = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = second.connect()) {
            assertEquals(TaskState.RUNNING, connection.status(runningId).state());
            assertEquals(TaskState.QUEUED, connection.status(queuedId).state(), "the adopted task holds the slot");
            assertEquals(1, connection.ping().running());

            LocalPool.create(release); // the adopted task ends while the new backend watches it
            TaskStatus ran = connection.await(runningId, WAIT);
            TaskStatus followed = connection.await(queuedId, WAIT);

            assertEquals(TaskState.COMPLETE, ran.state());
            assertEquals(0, ran.exitCode());
            assertEquals(TaskState.COMPLETE, followed.state());
            assertFalse(followed.startedAt().isBefore(ran.endedAt()));
            assertEquals("done\n", LocalPool.read(queued.stdout()));
        }
    }

    @Test
    void queuedTasksKeepTheirOrderAcrossARestart() {
        Path order = root.resolve("order.txt");
        Path release = root.resolve("release");
        List<String> ids = new ArrayList<>();
        LocalPool first = new LocalPool(root.resolve("state"), 1);
        try (ComputeConnection connection = first.connect()) {
            ids.add(connection.submit(task(root, "blocker", "/bin/sh", "-c", LocalPool.runUntilExists(release))));
            for (int i = 0; i < 4; i++) {
                ids.add(connection.submit(task(root, "q" + i, "/bin/sh", "-c", "echo " + i + " >> " + order)));
            }
        }
        first.close();

        try (LocalPool second = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = second.connect()) {
            assertEquals(4, connection.ping().queued(), "all four were still queued when the first backend stopped");
            LocalPool.create(release);
            ids.forEach(id -> assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state()));
        }
        assertEquals("0\n1\n2\n3\n", LocalPool.read(order.toString()));
    }

    @Test
    void aTaskThatDiedWhileNobodyWatchedIsASystemError() throws InterruptedException {
        TaskSpec spec = task(root, "victim", "/bin/sh", "-c", "echo $PPID; sleep 300");
        String id;
        LocalPool first = new LocalPool(root.resolve("state"), 1);
        try (ComputeConnection connection = first.connect()) {
            id = connection.submit(spec);
            long wrapper = Long.parseLong(LocalPool.awaitLines(spec, 1).get(0));
            first.close();
            ProcessHandle process = ProcessHandle.of(wrapper).orElseThrow();
            List<ProcessHandle> tree = new ArrayList<>(List.of(process));
            tree.addAll(process.descendants().toList());
            // killed by someone else, the wrapper first: had the command died first, the wrapper could still write
            // the command's exit code
            tree.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (tree.stream().anyMatch(p -> LocalPool.runs(p.pid())) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        try (LocalPool second = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = second.connect()) {
            TaskStatus status = connection.status(id);

            assertEquals(TaskState.SYSTEM_ERROR, status.state());
            assertEquals("process vanished without an exit code", status.message());
            assertEquals(0, connection.ping().running(), "a dead task holds no slot");
        }
    }

    @Test
    void aLivePidOfAnotherProcessIsNotMistakenForTheTask() throws IOException {
        String id;
        LocalPool first = new LocalPool(root.resolve("state"), 1);
        try (ComputeConnection connection = first.connect()) {
            id = connection.submit(task(root, "reused", "sleep", "300"));
        }
        first.close();
        TaskFolder folder = new TaskFolder(root.resolve("state").resolve("tasks").resolve(id));
        TaskFolder.Started real = folder.started();
        // as if the task's pid had been reused by a process that started at another time: this JVM
        folder.markStarted(new TaskFolder.Started(ProcessHandle.current().pid(), real.processStart(),
                real.startedAt()));
        try (LocalPool second = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = second.connect()) {
            TaskStatus status = connection.status(id);

            assertEquals(TaskState.SYSTEM_ERROR, status.state());
            assertEquals("process vanished without an exit code", status.message());
        } finally {
            // nothing may record the sleep's death while the folder is deleted: a wrapper is killed first; the
            // pool's launcher (the sleep's parent) records it and then ends, as its last task is over
            ProcessHandle.of(real.pid()).ifPresent(task -> {
                ProcessHandle parent = task.parent().orElse(null);
                boolean launched = parent != null && parent.info().command().orElse("").endsWith("/perl");
                List<ProcessHandle> children = task.descendants().toList();
                task.destroyForcibly();
                task.onExit().join();
                children.forEach(ProcessHandle::destroyForcibly);
                if (launched) {
                    parent.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                }
            });
        }
    }

    @Test
    void twoBackendsNeverShareAStateFolder() {
        try (LocalPool first = new LocalPool(root.resolve("state"), 1);
             ComputeConnection connection = first.connect();
             LocalPool second = new LocalPool(root.resolve("state"), 1)) {
            assertTrue(connection.ping().up());

            ComputeException refused = assertThrows(ComputeException.class, second::connect);
            assertTrue(refused.getMessage().contains("used by another"), refused.getMessage());
        }
    }
}
