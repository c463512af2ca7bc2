package io.cairn.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunWorkspaceTest {

    private final RunWorkspace workspace = RunWorkspace.of(Path.of("/data/runs"), "r1");

    @Test
    void streamsGoToTheLogFolderUnlessTheToolNamesAFile() {
        assertEquals(Path.of("/data/runs/r1/logs/stdout.txt"), workspace.streamFile(null, "stdout.txt"));
        assertEquals(Path.of("/data/runs/r1/work/out/head.txt"), workspace.streamFile("out/head.txt", "stdout.txt"));
    }

    @Test
    void aStreamFileCannotLeaveTheWorkFolder() {
        assertThrows(IllegalArgumentException.class, () -> workspace.streamFile("../inputs/0/x", "stdout.txt"));
        assertThrows(IllegalArgumentException.class, () -> workspace.streamFile("/etc/passwd", "stdout.txt"));
        assertThrows(IllegalArgumentException.class, () -> workspace.streamFile(".", "stdout.txt"));
    }
}
