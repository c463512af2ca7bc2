package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the long-lived launcher: its requests, its loss, and cancels that race a task's start. */
class LocalLauncherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void aRequestIsNulTerminatedFieldsWithCounts() {
        Map<String, String> environment = Map.of("B", "x=y"); // one only: a spec need not keep their order
        TaskSpec spec = new TaskSpec("t", List.of("/bin/echo", "two words", ""), environment, "/w", null, "/o", "/e",
                1, 0, null);

        byte[] request = Launcher.encode("id", Path.of("/c"), spec, StandardCharsets.UTF_8);

        assertArrayEquals(("R\0id\0/c\0/w\0\0/o\0/e\0003\0/bin/echo\0two words\0\0001\0B=x=y\0")
                .getBytes(StandardCharsets.UTF_8), request);
    }

    @Test
    void tasksOfALauncherThatWasKilledEndAsLostAndNewTasksStillRun() throws Exception {
        try (LocalPool pool = new LocalPool(root.resolve("state"), 2, LocalBackend.LAUNCHER_PERL);
             ComputeConnection connection = pool.connect()) {
            TaskSpec spec = task(root, "orphaned", "/bin/sh", "-c", "echo $PPID; echo $$; sleep 300");
            String id = connection.submit(spec);
            List<String> pids = LocalPool.awaitLines(spec, 2);
            ProcessHandle launcher = ProcessHandle.of(Long.parseLong(pids.get(0))).orElseThrow();
            ProcessHandle tool = ProcessHandle.of(Long.parseLong(pids.get(1))).orElseThrow();
            assertTrue(launcher.info().command().orElse("").endsWith("/perl"), "the task's parent is the launcher");

            launcher.destroyForcibly();
            launcher.onExit().get();
            assertEquals(TaskState.RUNNING, connection.status(id).state(), "the task itself still runs");
            tool.destroyForcibly();
            TaskStatus lost = connection.await(id, WAIT);

            assertEquals(TaskState.SYSTEM_ERROR, lost.state(), lost::toString);
            assertEquals(LocalBackend.VANISHED, lost.message());
            TaskSpec next = task(root, "next", "/bin/sh", "-c", "echo after");
            assertEquals(TaskState.COMPLETE, connection.await(connection.submit(next), WAIT).state());
            assertEquals("after\n", LocalPool.read(next.stdout()));
            assertEquals(0, connection.ping().running());
        }
    }

    /** Canceled at once, a task is often still being started by the launcher: it must not run on regardless. */
    @Test
    void aTaskCanceledWhileTheLauncherStartsItNeverFinishesItsWork() throws Exception {
        List<Path> markers = new ArrayList<>();
        try (LocalPool pool = new LocalPool(root.resolve("state"), 8, LocalBackend.LAUNCHER_PERL);
             ComputeConnection connection = pool.connect()) {
            for (int i = 0; i < 40; i++) {
                Path marker = root.resolve("ran-" + i);
                markers.add(marker);
                String id = connection.submit(task(root, "t" + i, "/bin/sh", "-c", "sleep 1; echo > " + marker));
                connection.cancel(id);
                assertEquals(TaskState.CANCELED, connection.status(id).state());
            }
            Thread.sleep(2000);
            assertEquals(0, connection.ping().running());
        }
        for (Path marker : markers) {
            assertFalse(Files.exists(marker), marker + ": a canceled task ran to its end");
        }
    }
}
