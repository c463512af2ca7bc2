package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a task leaves running when its command ends dies with the task. */
class LocalLeftoversTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void aDaemonTheToolLeftBehindDiesWhenTheTaskCompletes() throws InterruptedException {
        TaskSpec spec = task(root, "daemon", "/bin/sh", "-c", "sleep 300 & echo $!; echo hi");
        try (LocalPool pool = new LocalPool(root.resolve("state"), 1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);

            TaskStatus status = connection.await(id, WAIT);

            assertEquals(TaskState.COMPLETE, status.state());
            assertEquals(0, status.exitCode());
            List<String> lines = LocalPool.awaitLines(spec, 2);
            long daemon = Long.parseLong(lines.get(0));
            boolean survived = LocalPool.runs(daemon);
            if (survived) {
                ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly); // leave nothing behind either
            }
            assertFalse(survived, "the task's sleep 300 (pid " + daemon + ") outlived the task");
            assertEquals("hi", lines.get(1));
            assertEquals(0, connection.ping().running());
        }
    }

    @Test
    void aLiveProcessWithTheTasksPidThatIsNotItsWrapperMeansTheSessionIsSomeoneElses() throws IOException {
        Process other = new ProcessBuilder("setsid", "sleep", "300").start(); // a session of its own, not a task's
        try {
            Instant start = other.info().startInstant().orElseThrow();
            awaitSessionLeader(other.pid());

            assertEquals(List.of(other.pid()), pids(new TaskFolder.Started(other.pid(), start, start)),
                    "the very process the task recorded leads its session");
            assertEquals(List.of(), pids(new TaskFolder.Started(other.pid(), start.minusSeconds(3600), start)),
                    "the task's pid now names another process: its session is gone");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void processesOlderThanTheWrapperAreNeverTheTasks() throws IOException, InterruptedException {
        // the session's leader exits at once and leaves its background sleep in the session
        Process leader = new ProcessBuilder("setsid", "/bin/sh", "-c", "sleep 300 & echo $!")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long orphan;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(leader.getInputStream(),
                StandardCharsets.US_ASCII))) {
            orphan = Long.parseLong(out.readLine().trim());
        }
        try {
            assertTrue(leader.waitFor(10, TimeUnit.SECONDS), "the session's leader exits");
            Instant orphanStart = ProcessHandle.of(orphan).flatMap(p -> p.info().startInstant()).orElseThrow();

            assertEquals(List.of(orphan), pids(new TaskFolder.Started(leader.pid(), orphanStart, orphanStart)));
            Instant later = orphanStart.plusSeconds(3600);
            assertEquals(List.of(), pids(new TaskFolder.Started(leader.pid(), later, later)),
                    "a session member that started before the wrapper belongs to a session of the same number");
        } finally {
            ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static List<Long> pids(TaskFolder.Started started) {
        return LocalBackend.leftovers(started).stream().map(ProcStat.Entry::pid).toList();
    }

    /** Waits (at most 10 s) until the freshly started process has made itself a session leader. */
    private static void awaitSessionLeader(long pid) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields[3].equals(Long.toString(pid))) { // state, ppid, pgrp, session
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("process " + pid + " did not become a session leader");
    }
}
