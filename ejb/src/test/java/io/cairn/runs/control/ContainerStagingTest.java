package io.cairn.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskSpec;
import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlParser;
import io.cairn.platform.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool that requires its container: dockerOutputDirectory is where the tool sees its output folder, and
 * InitialWorkDir entries with an absolute entryname are staged in the run's own folders and mounted there.
 */
class ContainerStagingTest {

    @TempDir
    Path root;

    private static final String TOOL = """
            cwlVersion: v1.2
            class: CommandLineTool
            requirements:
              DockerRequirement: {dockerPull: 'debian:stable-slim', dockerOutputDirectory: /output}
              InitialWorkDirRequirement:
                listing:
                  - {entryname: /tmp2j3y7rpb/input/stuff.txt, entry: $(inputs.filelist)}
                  - {entryname: /etc/cairn-note.txt, entry: 'note', writable: true}
                  - {entryname: $(runtime.outdir)/inside.txt, entry: 'in the output folder'}
            inputs:
              filelist: {type: File, secondaryFiles: [.idx], inputBinding: {position: 1}}
            arguments: [$(runtime.outdir)]
            outputs: []
            baseCommand: ls
            """;

    @Test
    @SuppressWarnings("unchecked")
    void entriesElsewhereInTheContainerAreMountedFromTheRunsOwnFolders() throws Exception {
        CommandLineTool tool = CwlParser.parseTool(TOOL);
        RunWorkspace workspace = new RunWorkspace(root.resolve("run"));
        Map<String, Object> job = Map.of("filelist", Map.of("class", "File", "basename", "list.txt",
                "contents", "a\nb\n", "secondaryFiles", List.of(Map.of("class", "File", "basename", "list.txt.idx",
                        "contents", "i"))));
        ToolInvocation.Staged staged = new ToolInvocation(null).stage(tool, job, workspace);

        Map<String, Object> command = (Map<String, Object>) JsonValues.parse(staged.commandLine(), "command");
        assertEquals(List.of("ls", "/output", "/tmp2j3y7rpb/input/stuff.txt"), command.get("argv"));
        assertEquals("/output", ((Map<String, Object>) command.get("env")).get("HOME"));
        Map<String, Object> inputs = (Map<String, Object>) JsonValues.parse(staged.stagedInputs(), "inputs");
        assertEquals("/tmp2j3y7rpb/input/stuff.txt", ((Map<String, Object>) inputs.get("filelist")).get("path"));

        // nothing lands at the entrynames on the host; the copies are in the run's inputs folder
        assertFalse(Files.exists(Path.of("/tmp2j3y7rpb")));
        assertFalse(Files.exists(Path.of("/etc/cairn-note.txt")));
        assertEquals("in the output folder", Files.readString(workspace.work().resolve("inside.txt")));
        TaskSpec spec = ToolInvocation.taskSpec("t1", tool, workspace, staged.commandLine(), staged.stdout(),
                staged.stderr());
        assertEquals("/output", spec.containerWorkDir());
        assertEquals(workspace.work().toString(), spec.workDir());
        assertEquals(3, spec.containerMounts().size(), spec.containerMounts()::toString);
        TaskSpec.Mount list = spec.containerMounts().get(0);
        assertEquals("/tmp2j3y7rpb/input/stuff.txt", list.target());
        assertTrue(list.readOnly());
        Path inputsReal = workspace.inputs().toRealPath();
        assertTrue(Path.of(list.source()).startsWith(inputsReal), list.source());
        assertEquals("a\nb\n", Files.readString(Path.of(list.source())));
        TaskSpec.Mount index = spec.containerMounts().get(1);
        assertEquals("/tmp2j3y7rpb/input/list.txt.idx", index.target(), "a secondary file goes beside its file");
        assertEquals("i", Files.readString(Path.of(index.source())));
        Map<String, Object> secondary = ((List<Map<String, Object>>) ((Map<String, Object>) inputs.get("filelist"))
                .get("secondaryFiles")).get(0);
        assertEquals("/tmp2j3y7rpb/input/list.txt.idx", secondary.get("path"));
        TaskSpec.Mount note = spec.containerMounts().get(2);
        assertEquals("/etc/cairn-note.txt", note.target());
        assertFalse(note.readOnly(), "writable");
        assertTrue(Path.of(note.source()).startsWith(inputsReal), note.source());
        assertEquals("note", Files.readString(Path.of(note.source())));
    }

    @Test
    void withoutDockerOutputDirectoryTheOutputFolderKeepsItsPath() throws Exception {
        CommandLineTool tool = CwlParser.parseTool("""
                cwlVersion: v1.2
                class: CommandLineTool
                hints:
                  DockerRequirement: {dockerPull: 'debian:stable-slim', dockerOutputDirectory: /output}
                inputs: []
                arguments: [$(runtime.outdir)]
                outputs: []
                baseCommand: ls
                """);
        RunWorkspace workspace = new RunWorkspace(root.resolve("run"));
        ToolInvocation.Staged staged = new ToolInvocation(null).stage(tool, Map.of(), workspace);
        TaskSpec spec = ToolInvocation.taskSpec("t1", tool, workspace, staged.commandLine(), staged.stdout(),
                staged.stderr());
        assertNull(spec.containerWorkDir(), "a hint's dockerOutputDirectory is not acted on");
        assertEquals(List.of("ls", workspace.work().toString()), spec.command());
        assertEquals(List.of(), spec.containerMounts());
    }
}
