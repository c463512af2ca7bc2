package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code awaitAny}: how a workflow's dispatcher waits for the first of many tasks to end. */
class LocalAwaitAnyTest {

    @TempDir
    Path root;

    @Test
    void itAnswersForEveryTaskInOrderOnceOneEnded() {
        Path marker = root.resolve("go");
        try (LocalPool pool = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = pool.connect()) {
            String first = connection.submit(task(root, "first", "/bin/sh", "-c", LocalPool.runUntilExists(marker)));
            String second = connection.submit(task(root, "second", "true"));
            String third = connection.submit(task(root, "third", "true"));
            List<String> ids = List.of(third, first, second);

            Map<String, TaskStatus> none = connection.awaitAny(ids, Duration.ofMillis(300));
            assertEquals(ids, List.copyOf(none.keySet()));
            assertEquals(List.of(TaskState.QUEUED, TaskState.RUNNING, TaskState.QUEUED),
                    ids.stream().map(id -> none.get(id).state()).toList());

            LocalPool.create(marker);
            Map<String, TaskStatus> one = connection.awaitAny(ids, Duration.ofSeconds(60));
            assertEquals(TaskState.COMPLETE, one.get(first).state());

            Map<String, TaskStatus> rest = connection.awaitAny(List.of(second, third), Duration.ofSeconds(60));
            assertEquals(TaskState.COMPLETE, rest.get(second).state(), "the queued tasks start in order as slots free");
            assertEquals(TaskState.COMPLETE, connection.awaitAny(List.of(third), Duration.ofSeconds(60)).get(third)
                    .state());
        }
    }

    @Test
    void aCanceledQueuedTaskCountsAsEndedAndAnUnknownIdAsLost() {
        Path marker = root.resolve("go");
        try (LocalPool pool = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = pool.connect()) {
            String busy = connection.submit(task(root, "busy", "/bin/sh", "-c", LocalPool.runUntilExists(marker)));
            String queued = connection.submit(task(root, "queued", "true"));
            connection.cancel(queued);
            Map<String, TaskStatus> statuses = connection.awaitAny(List.of(busy, queued, "no-such-task"),
                    Duration.ofSeconds(60));
            assertEquals(TaskState.RUNNING, statuses.get(busy).state());
            assertEquals(TaskState.CANCELED, statuses.get(queued).state());
            assertEquals(TaskState.SYSTEM_ERROR, statuses.get("no-such-task").state());
            LocalPool.create(marker);
            assertEquals(TaskState.COMPLETE, connection.await(busy, Duration.ofSeconds(60)).state());
        }
    }

    @Test
    void aClosedHandleRefuses() {
        try (LocalPool pool = new LocalPool(root.resolve("state"), 1)) {
            ComputeConnection connection = pool.connect();
            connection.close();
            assertThrows(IllegalStateException.class, () -> connection.awaitAny(List.of(), Duration.ZERO));
        }
    }
}
