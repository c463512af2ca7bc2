package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool runs at most {@code slots} tasks at once and starts the waiting ones in submission order. */
class LocalSlotsTest {

    @TempDir
    Path root;

    @Test
    void atMostTwoOfFourRunAndAllComplete() throws InterruptedException {
        try (LocalPool pool = new LocalPool(root.resolve("state"), 2); ComputeConnection connection = pool.connect()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(connection.submit(task(root, "sleep-" + i, "sleep", "1")));
            }
            assertEquals(List.of(TaskState.RUNNING, TaskState.RUNNING, TaskState.QUEUED, TaskState.QUEUED),
                    ids.stream().map(id -> connection.status(id).state()).toList());
            PoolStatus busy = connection.ping();
            assertEquals(2, busy.running());
            assertEquals(2, busy.queued());

            int mostRunning = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            List<TaskStatus> statuses;
            do {
                statuses = ids.stream().map(connection::status).toList();
                mostRunning = Math.max(mostRunning,
                        (int) statuses.stream().filter(s -> s.state() == TaskState.RUNNING).count());
                Thread.sleep(20);
            } while (!statuses.stream().allMatch(s -> s.state().isTerminal()) && System.nanoTime() < deadline);

            assertEquals(2, mostRunning);
            statuses.forEach(status -> assertEquals(TaskState.COMPLETE, status.state()));
            Instant firstEnd = statuses.get(0).endedAt().isBefore(statuses.get(1).endedAt())
                    ? statuses.get(0).endedAt() : statuses.get(1).endedAt();
            assertFalse(statuses.get(2).startedAt().isBefore(firstEnd), "a queued task waits for a free slot");
            assertFalse(statuses.get(3).startedAt().isBefore(statuses.get(2).startedAt()), "FIFO");
            PoolStatus idle = connection.ping();
            assertEquals(0, idle.running());
            assertEquals(0, idle.queued());
        }
    }

    @Test
    void waitingTasksStartInSubmissionOrder() {
        Path order = root.resolve("order.txt");
        try (LocalPool pool = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = pool.connect()) {
            List<String> ids = new ArrayList<>();
            ids.add(connection.submit(task(root, "t0", "/bin/sh", "-c", "sleep 0.3; echo 0 >> " + order)));
            for (int i = 1; i < 5; i++) {
                ids.add(connection.submit(task(root, "t" + i, "/bin/sh", "-c", "echo " + i + " >> " + order)));
            }
            ids.forEach(id -> assertEquals(TaskState.COMPLETE,
                    connection.await(id, Duration.ofSeconds(10)).state()));
        }
        assertEquals("0\n1\n2\n3\n4\n", LocalPool.read(order.toString()));
    }

    @Test
    void awaitReturnsWhenTheTaskEndsNotAtTheTimeout() {
        try (LocalPool pool = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(task(root, "short", "sleep", "0.2"));
            long started = System.nanoTime();

            TaskStatus status = connection.await(id, Duration.ofSeconds(30));

            assertEquals(TaskState.COMPLETE, status.state());
            long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(tookMillis < 5_000, "await took " + tookMillis + " ms");

            String blocker = connection.submit(task(root, "long", "sleep", "30"));
            long before = System.nanoTime();
            assertEquals(TaskState.RUNNING, connection.await(blocker, Duration.ofMillis(300)).state());
            assertTrue(System.nanoTime() - before >= Duration.ofMillis(300).toNanos(), "await honours its timeout");
            connection.cancel(blocker);
        }
    }
}
