package io.cairn.compute.ra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.compute.TaskSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task spec comes back from its control folder exactly as it was submitted. */
class TaskFolderTest {

    @TempDir
    Path root;

    @Test
    void specRoundTripsThroughTheDiskExactly() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PLAIN", "value");
        environment.put("SPACES", "  leading and trailing  ");
        environment.put("NEWLINES", "a\nb\r\nc");
        environment.put("QUOTES", "\"x\" 'y' `z` $(w) \\n = : # !");
        environment.put("UNICODE", "ünï €😀 中文");
        environment.put("EMPTY", "");
        List<String> command = List.of("/usr/bin/printf", "  %s  ", "", "a=b", "#not a comment", "!bang", "x:y",
                "tab\tnew\nline", "\\", "😀", " ");
        TaskSpec spec = new TaskSpec("task id with spaces/and slashes ü", command, environment, "/work dir/ü",
                "/in put", "/out:put", "/err#or", 3, 2048, null);
        TaskFolder folder = new TaskFolder(root.resolve("task"));

        folder.create(spec, 42, Instant.parse("2026-01-02T03:04:05.123456Z"));
        TaskFolder.Stored stored = new TaskFolder(root.resolve("task")).read();

        assertEquals(spec, stored.spec());
        assertEquals(command, stored.spec().command());
        assertEquals(environment, stored.spec().environment());
        assertEquals(42, stored.sequence());
        assertEquals(Instant.parse("2026-01-02T03:04:05.123456Z"), stored.submittedAt());
    }

    @Test
    void absentOptionalFieldsStayAbsent() throws IOException {
        TaskSpec spec = new TaskSpec("t", List.of("true"), Map.of(), "/w", null, "/o", "/e", 1, 0, null);
        TaskFolder folder = new TaskFolder(root.resolve("task"));

        folder.create(spec, 0, Instant.now());
        TaskSpec read = folder.read().spec();

        assertNull(read.stdin());
        assertNull(read.image());
        assertEquals(spec, read);
    }

    @Test
    void containerSettingsRoundTrip() throws IOException {
        TaskSpec spec = new TaskSpec("c", List.of("cat", "/in/a.txt"), Map.of(), "/w", null, "/o", "/e", 2, 512,
                "localhost/busybox:1", false, List.of("/in", "/other in"), true, 90);
        TaskFolder folder = new TaskFolder(root.resolve("container"));

        folder.create(spec, 1, Instant.now());
        TaskSpec read = folder.read().spec();

        assertEquals(spec, read);
        assertEquals(List.of("/in", "/other in"), read.readOnlyPaths());
        assertEquals(false, read.imageRequired());
        assertEquals(90, read.timeLimitSeconds());
    }

    @Test
    void anExitCodeCountsOnlyWithItsClosingNewline() throws IOException {
        TaskFolder folder = new TaskFolder(root.resolve("task"));
        java.nio.file.Files.createDirectories(folder.dir());
        Path exit = folder.dir().resolve(TaskFolder.EXIT);

        assertNull(folder.exitCode(), "no file yet");
        java.nio.file.Files.writeString(exit, "");
        assertNull(folder.exitCode(), "created by the wrapper's redirection, not yet written");
        java.nio.file.Files.writeString(exit, "13");
        assertNull(folder.exitCode(), "a write without its newline is not taken");
        java.nio.file.Files.writeString(exit, "13\n");
        assertEquals(13, folder.exitCode());
    }
}
