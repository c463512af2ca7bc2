package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling: a running task dies with its whole tree, a queued one never starts, a finished one stays as it was. */
class LocalCancelTest {

    @TempDir
    Path root;
    private LocalPool pool;
    private ComputeConnection connection;

    /** How the pool starts its tasks; {@link LocalCancelShellTest} runs these tests with the wrapper. */
    String launcher() {
        return LocalBackend.LAUNCHER_PERL;
    }

    @BeforeEach
    void open() {
        pool = new LocalPool(root.resolve("state"), 1, launcher());
        connection = pool.connect();
    }

    @AfterEach
    void close() {
        connection.close();
        pool.close();
    }

    /**
     * The tree holds a plain child, a daemonised grandchild whose parent is gone (no longer below the task, still in
     * its process group) and a child that left the process group with setsid (still below the task).
     */
    @Test
    void cancelKillsTheWholeProcessTree() throws InterruptedException {
        TaskSpec spec = task(root, "tree", "/bin/sh", "-c",
                "sleep 300 & echo $!; (sleep 300 & echo $!); setsid sleep 300 & echo $!; echo $$; wait");
        String id = connection.submit(spec);
        List<Long> pids = new ArrayList<>(LocalPool.awaitLines(spec, 4).stream().map(Long::valueOf).toList());
        ProcessHandle parent = ProcessHandle.of(pids.get(3)).flatMap(ProcessHandle::parent).orElseThrow();
        boolean launched = parent.info().command().orElse("").endsWith("/perl");
        if (!launched) {
            pids.add(parent.pid()); // the task's wrapper, part of its tree
        }
        assertTrue(pids.stream().allMatch(LocalPool::runs), "the tree runs before the cancel");
        assertEquals(TaskState.RUNNING, connection.status(id).state());

        connection.cancel(id);

        for (long pid : pids) {
            assertFalse(LocalPool.runs(pid), "process " + pid + " of the canceled tree still runs");
        }
        if (launched) {
            assertTrue(parent.isAlive(), "the pool's launcher outlives the tasks it started");
        }
        TaskStatus status = connection.status(id);
        assertEquals(TaskState.CANCELED, status.state());
        assertNull(status.exitCode());
        Thread.sleep(300);
        assertEquals(TaskState.CANCELED, connection.status(id).state(), "cancel wins over any exit code");
        assertEquals(0, connection.ping().running());
    }

    @Test
    void aCanceledQueuedTaskNeverStarts() throws InterruptedException {
        Path marker = root.resolve("ran");
        String blocker = connection.submit(task(root, "blocker", "sleep", "300"));
        String queued = connection.submit(task(root, "queued", "/bin/sh", "-c", "echo ran > " + marker));
        assertEquals(TaskState.QUEUED, connection.status(queued).state());

        connection.cancel(queued);
        connection.cancel(blocker);
        Thread.sleep(500);

        TaskStatus status = connection.status(queued);
        assertEquals(TaskState.CANCELED, status.state());
        assertNull(status.startedAt());
        assertFalse(Files.exists(marker), "the canceled task ran");
        assertEquals(TaskState.CANCELED, connection.status(blocker).state());
        assertEquals(0, connection.ping().queued());
    }

    @Test
    void cancellingARunningTaskFreesItsSlotForTheNext() {
        String blocker = connection.submit(task(root, "blocker", "sleep", "300"));
        String next = connection.submit(task(root, "next", "/bin/true"));

        connection.cancel(blocker);

        assertEquals(TaskState.COMPLETE, connection.await(next, Duration.ofSeconds(10)).state());
    }

    @Test
    void cancellingAFinishedTaskChangesNothing() {
        String id = connection.submit(task(root, "done", "/bin/sh", "-c", "exit 4"));
        assertEquals(TaskState.EXECUTOR_ERROR, connection.await(id, Duration.ofSeconds(10)).state());

        connection.cancel(id);

        TaskStatus status = connection.status(id);
        assertEquals(TaskState.EXECUTOR_ERROR, status.state());
        assertEquals(4, status.exitCode());
    }
}
