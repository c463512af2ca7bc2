package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one task sees and leaves behind when run by a local pool. */
class LocalRunTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;
    private LocalPool pool;
    private ComputeConnection connection;

    /** How the pool starts its tasks; {@link LocalRunShellTest} runs these tests with the wrapper. */
    String launcher() {
        return LocalBackend.LAUNCHER_PERL;
    }

    @BeforeEach
    void open() {
        pool = new LocalPool(root.resolve("state"), 4, launcher());
        connection = pool.connect();
    }

    @AfterEach
    void close() {
        connection.close();
        pool.close();
    }

    @Test
    void exitZeroCompletesWithStdoutInTheFile() {
        TaskSpec spec = task(root, "ok", "/bin/sh", "-c", "printf 'hello\\n'; exit 0");

        TaskStatus status = connection.await(connection.submit(spec), WAIT);

        assertEquals(TaskState.COMPLETE, status.state());
        assertEquals(0, status.exitCode());
        assertNull(status.message());
        assertNotNull(status.startedAt());
        assertFalse(status.endedAt().isBefore(status.startedAt()));
        assertEquals("hello\n", LocalPool.read(spec.stdout()));
        assertTrue(Files.isDirectory(Path.of(spec.workDir())), "the work folder is created");
    }

    @Test
    void nonZeroExitIsAnExecutorErrorWithTheCode() {
        TaskStatus status = connection.await(connection.submit(task(root, "three", "/bin/sh", "-c", "exit 3")), WAIT);

        assertEquals(TaskState.EXECUTOR_ERROR, status.state());
        assertEquals(3, status.exitCode());
    }

    @Test
    void missingProgramIsAnExecutorErrorNotAShellBuiltin() {
        // "exit" is a shell builtin, not a program: it must not be run by the wrapper's shell
        TaskSpec spec = task(root, "builtin", "exit", "0");

        TaskStatus status = connection.await(connection.submit(spec), WAIT);

        assertEquals(TaskState.EXECUTOR_ERROR, status.state());
        assertEquals(127, status.exitCode());
        assertTrue(LocalPool.read(spec.stderr()).contains("not found"), LocalPool.read(spec.stderr()));
    }

    @Test
    void stderrGoesToItsOwnFile() {
        TaskSpec spec = task(root, "streams", "/bin/sh", "-c", "echo out; echo err >&2");

        assertEquals(TaskState.COMPLETE, connection.await(connection.submit(spec), WAIT).state());

        assertEquals("out\n", LocalPool.read(spec.stdout()));
        assertEquals("err\n", LocalPool.read(spec.stderr()));
    }

    @Test
    void argumentsReachTheProgramLiterally() throws IOException {
        List<String> arguments = List.of("two words", "\"double\" 'single'", "$(rm -rf x)", "`rm -rf x`", "; rm -rf x",
                "*", "line one\nline two", "tab\there", "ünïcødé €😀", "", "$HOME ${PATH}", "-n", "\\back\\slash");
        TaskSpec spec = task(root, "literal", Map.of(), concat(List.of("/usr/bin/printf", "[%s]\\n"), arguments));
        Path victim = Files.createDirectories(Path.of(spec.workDir())).resolve("x");
        Files.writeString(victim, "still here");

        assertEquals(TaskState.COMPLETE, connection.await(connection.submit(spec), WAIT).state());

        String expected = arguments.stream().map(argument -> "[" + argument + "]\n").collect(Collectors.joining());
        assertEquals(expected, LocalPool.read(spec.stdout()));
        assertEquals("still here", Files.readString(victim));
    }

    @Test
    void environmentIsExactlyTheGivenOne() {
        Map<String, String> environment = Map.of("A", "1", "B", "two words", "C", "ünï €", "EMPTY", "");
        TaskSpec spec = task(root, "env", environment, List.of("/usr/bin/env"));

        assertEquals(TaskState.COMPLETE, connection.await(connection.submit(spec), WAIT).state());

        assertEquals(Set.of("A=1", "B=two words", "C=ünï €", "EMPTY="),
                Set.copyOf(LocalPool.read(spec.stdout()).lines().toList()));
    }

    @Test
    void aGivenPwdIsKeptAsGiven() {
        TaskSpec spec = task(root, "pwd", Map.of("PWD", "/not/the/work/dir"), List.of("/usr/bin/env"));

        assertEquals(TaskState.COMPLETE, connection.await(connection.submit(spec), WAIT).state());

        assertEquals("PWD=/not/the/work/dir\n", LocalPool.read(spec.stdout()));
    }

    @Test
    void stdinIsFedFromTheFileAndTheCommandRunsInTheWorkDir() throws IOException {
        Path input = Files.writeString(root.resolve("input.txt"), "first\nsecond ü\n");
        TaskSpec base = task(root, "stdin", "/bin/sh", "-c", "cat; pwd");
        TaskSpec spec = new TaskSpec(base.taskId(), base.command(), base.environment(), base.workDir(),
                input.toString(), base.stdout(), base.stderr(), 1, 0, null);

        assertEquals(TaskState.COMPLETE, connection.await(connection.submit(spec), WAIT).state());

        assertEquals("first\nsecond ü\n" + spec.workDir() + "\n", LocalPool.read(spec.stdout()));
    }

    @Test
    void withoutStdinTheCommandReadsNothing() {
        TaskSpec spec = task(root, "nostdin", "/bin/sh", "-c", "wc -c");

        assertEquals(TaskState.COMPLETE, connection.await(connection.submit(spec), WAIT).state());

        assertEquals("0", LocalPool.read(spec.stdout()).trim());
    }

    @Test
    void logsAreReadInSlicesUpToTheEnd() {
        TaskSpec spec = task(root, "logs", "/bin/sh", "-c", "printf 0123456789; printf oops >&2");
        String id = connection.submit(spec);
        connection.await(id, WAIT);

        LogChunk middle = connection.logs(id, LogStream.STDOUT, 2, 3);
        LogChunk tail = connection.logs(id, LogStream.STDOUT, 8, 100);
        LogChunk pastEnd = connection.logs(id, LogStream.STDOUT, 10, 100);
        LogChunk stderr = connection.logs(id, LogStream.STDERR, 0, 100);

        assertArrayEquals("234".getBytes(UTF_8), middle.data());
        assertEquals(5, middle.nextOffset());
        assertArrayEquals("89".getBytes(UTF_8), tail.data());
        assertEquals(10, tail.nextOffset());
        assertEquals(0, pastEnd.data().length);
        assertEquals(10, pastEnd.nextOffset());
        assertEquals("oops", new String(stderr.data(), UTF_8));
    }

    @Test
    void unknownIdsAreLostHaveEmptyLogsAndCancellingThemDoesNothing() {
        for (String id : List.of(UUID.randomUUID().toString(), "no-such-task", "../../etc")) {
            TaskStatus status = connection.status(id);
            assertEquals(TaskState.SYSTEM_ERROR, status.state(), id);
            assertNotNull(status.message());
            connection.cancel(id);
            LogChunk logs = connection.logs(id, LogStream.STDOUT, 7, 10);
            assertEquals(0, logs.data().length, id);
            assertEquals(7, logs.nextOffset(), id);
        }
    }

    @Test
    void aLogFileTheTaskReplacedWithASymlinkReadsAsEmpty() throws IOException {
        Path secret = Files.writeString(root.resolve("secret.txt"), "not for the log reader");
        TaskSpec spec = task(root, "link", "/bin/sh", "-c", "echo out; echo err >&2");
        String id = connection.submit(spec);
        assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
        assertEquals("err\n", new String(connection.logs(id, LogStream.STDERR, 0, 100).data(), UTF_8));
        // what a tool could do to its own stdout file
        Path stdout = Path.of(spec.stdout());
        Files.delete(stdout);
        Files.createSymbolicLink(stdout, secret);

        LogChunk fromStart = connection.logs(id, LogStream.STDOUT, 0, 100);
        LogChunk later = connection.logs(id, LogStream.STDOUT, 4, 100);

        assertEquals(0, fromStart.data().length);
        assertEquals(0, fromStart.nextOffset());
        assertEquals(0, later.data().length);
        assertEquals(4, later.nextOffset());
        assertEquals("err\n", new String(connection.logs(id, LogStream.STDERR, 0, 100).data(), UTF_8),
                "the other stream is still served");
    }

    @Test
    void aMissingStdinFileFailsTheTaskWithTheReason() {
        TaskSpec base = task(root, "badstdin", "/bin/cat");
        TaskSpec spec = new TaskSpec(base.taskId(), base.command(), base.environment(), base.workDir(),
                root.resolve("missing.txt").toString(), base.stdout(), base.stderr(), 1, 0, null);

        TaskStatus status = connection.await(connection.submit(spec), WAIT);

        assertEquals(TaskState.SYSTEM_ERROR, status.state());
        assertTrue(status.message().contains("missing.txt"), status.message());
    }

    @Test
    void specsTheHostCannotRunAreRefusedBeforeAnythingRuns() {
        TaskSpec base = task(root, "image", "/bin/true");
        TaskSpec withImage = new TaskSpec("image", base.command(), base.environment(), base.workDir(), null,
                base.stdout(), base.stderr(), 1, 0, "alpine:3");
        TaskSpec relative = new TaskSpec("relative", base.command(), base.environment(), "work", null,
                base.stdout(), base.stderr(), 1, 0, null);

        assertThrows(IllegalArgumentException.class, () -> connection.submit(withImage));
        assertThrows(IllegalArgumentException.class, () -> connection.submit(relative));
        assertEquals(0, connection.ping().queued() + connection.ping().running());
    }

    @Test
    void anImageGivenAsAHintIsIgnoredAndTheCommandRunsOnTheHost() throws Exception {
        TaskSpec base = task(root, "hint", "/bin/sh", "-c", "echo on the host");
        TaskSpec hinted = new TaskSpec("hint", base.command(), base.environment(), base.workDir(), null,
                base.stdout(), base.stderr(), 1, 0, "alpine:3", false, List.of(), false, 0);

        TaskStatus status = connection.await(connection.submit(hinted), Duration.ofSeconds(30));

        assertEquals(TaskState.COMPLETE, status.state(), status::toString);
        assertEquals("on the host\n", Files.readString(Path.of(base.stdout())));
    }

    @Test
    void aTaskPastItsTimeLimitIsKilledAndSaysWhy() throws Exception {
        TaskSpec base = task(root, "slow", "/bin/sleep", "30");
        TaskSpec limited = new TaskSpec("slow", base.command(), base.environment(), base.workDir(), null,
                base.stdout(), base.stderr(), 1, 0, null, false, List.of(), false, 1);

        long started = System.nanoTime();
        TaskStatus status = connection.await(connection.submit(limited), Duration.ofSeconds(20));

        assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
        assertNull(status.exitCode(), status::toString);
        assertTrue(status.message().contains("time limit of 1 s"), status.message());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15, "killed long before sleep ended");
        assertEquals(0, connection.ping().running());
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
