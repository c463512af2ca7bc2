package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.cairn.compute.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's callbacks (exit events, starts, ends) may run late, on a busy work manager: what a look at the pool does
 * meanwhile must not lose a slot.
 */
class LocalExitEventTest {

    @TempDir
    Path root;

    /** Runs callbacks on threads of their own, or holds them until released. */
    static final class HoldingExecutor implements Executor {
        private final List<Runnable> held = new ArrayList<>();
        private boolean holding;

        @Override
        public synchronized void execute(Runnable callback) {
            if (holding) {
                held.add(callback);
            } else {
                start(callback);
            }
        }

        synchronized void hold() {
            holding = true;
        }

        void release() {
            List<Runnable> now;
            synchronized (this) {
                holding = false;
                now = List.copyOf(held);
                held.clear();
            }
            now.forEach(HoldingExecutor::start);
        }

        private static void start(Runnable callback) {
            Thread thread = new Thread(callback, "held-callback");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Test
    void aSlotFreedByAPingBeforeTheExitEventStillStartsTheNextTask() throws InterruptedException {
        HoldingExecutor executor = new HoldingExecutor();
        Path state = root.resolve("state");
        // the exit events of processes the JVM started (the wrapper's), which the executor holds back
        LocalBackend backend = new LocalBackend(new LocalBackend.Settings("held", 1, state,
                LocalBackend.LAUNCHER_SHELL), executor);
        try {
            Path marker = root.resolve("go");
            String first = backend.submit(task(root, "first", "/bin/sh", "-c", LocalPool.runUntilExists(marker)));
            String second = backend.submit(task(root, "second", "true"));
            TaskFolder.Started started = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (started == null && System.nanoTime() < deadline) {
                started = new TaskFolder(state.resolve("tasks").resolve(first)).started();
                Thread.sleep(10);
            }
            assertNotNull(started, "the first task started");
            assertEquals(TaskState.RUNNING, backend.status(first).state());

            executor.hold(); // its exit event will wait
            LocalPool.create(marker);
            while (LocalPool.runs(started.pid()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            backend.ping(); // finds the process gone before its exit event is handled
            executor.release();

            assertEquals(TaskState.COMPLETE, backend.await(first, Duration.ofSeconds(10)).state());
            assertEquals(TaskState.COMPLETE, backend.await(second, Duration.ofSeconds(10)).state(),
                    "the freed slot went to the queued task");
        } finally {
            executor.release();
            backend.shutdown();
        }
    }
}
