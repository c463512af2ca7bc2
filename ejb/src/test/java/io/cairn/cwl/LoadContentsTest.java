package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** loadContents on inputs and outputs, outputEval with parameter references, runtime.exitCode. */
class LoadContentsTest {

    @TempDir
    Path outdir;

    @TempDir
    Path inputs;

    private Map<String, Object> collect(CommandLineTool tool, Map<String, Object> job, Integer exitCode) {
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        Map<String, Object> staged = Fixtures.stage(JobInputs.resolve(tool, job));
        BuiltCommand cmd = CommandLineBuilder.build(tool, staged, runtime);
        return OutputCollector.collect(tool, outdir, staged, runtime, cmd, exitCode);
    }

    @Test
    void outputContentsThroughOutputEval() throws IOException {
        // any_input_param: echo writes its argument to out.txt, the output is its contents
        CommandLineTool tool = Fixtures.conformance("echo-tool.cwl");
        Map<String, Object> job = Fixtures.json(Fixtures.suiteFile("env-job.json"));
        BuiltCommand cmd = CommandLineBuilder.build(tool, JobInputs.resolve(tool, job), Fixtures.RUNTIME);
        assertEquals(List.of("echo", "hello test env"), cmd.argv());
        Files.writeString(outdir.resolve("out.txt"), "hello test env\n");
        assertEquals(Map.of("out", "hello test env\n"), collect(tool, job, 0));
    }

    @Test
    void exitCodeIsVisibleToOutputEval() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x", "inputs: []", "successCodes: [7]",
                "outputs: {code: {type: int, outputBinding: {outputEval: $(runtime.exitCode)}}}"));
        assertEquals(Map.of("code", 7L), collect(tool, Map.of(), 7));
    }

    @Test
    void exitCodeOnlyAfterTheRun() {
        CwlException e = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: []", "arguments: [$(runtime.exitCode)]", "outputs: []")));
        assertEquals("arguments[0]", e.path());
        assertTrue(e.reason().contains("runtime.exitCode is known only after the tool ran"), e.reason());
    }

    @Test
    void outputEvalSeesInputsAndRecordFieldsNamedLength() {
        // user_defined_length_in_parameter_reference (the bar and baz records are read as Any here)
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: 'true'",
                "inputs: {length: {type: int, default: 1}, bar: Any}",
                "outputs:",
                "  output1: {type: int, outputBinding: {outputEval: $(inputs.length)}}",
                "  output2: {type: int, outputBinding: {outputEval: $(inputs.bar.length)}}"));
        assertEquals(map("output1", 1L, "output2", 2L), collect(tool, Map.of("bar", Map.of("length", 2)), 0));
    }

    @Test
    void lengthOfANonArrayFails() {
        // length_for_non_array: must fail
        CwlException e = assertThrows(CwlException.class,
                () -> collect(Fixtures.conformance("params_broken_length_of_non_list.cwl"), Map.of(), 0));
        assertTrue(e.getMessage().contains("cannot evaluate $(inputs.bar.length)"), e.getMessage());
    }

    @Test
    void nullHasNoFieldsAtParseTime() {
        // params_broken_null: must fail
        CwlException e = assertThrows(CwlException.class,
                () -> Fixtures.conformance("params_broken_null.cwl"));
        assertEquals("outputs.output1.outputBinding.outputEval", e.path());
    }

    @Test
    void outputEvalResultIsTypeChecked() throws IOException {
        Files.writeString(outdir.resolve("n.txt"), "12");
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x", "inputs: []",
                "outputs: {n: {type: int, outputBinding: {glob: n.txt, loadContents: true, "
                        + "outputEval: '$(self[0].contents)'}}}"));
        CwlException e = assertThrows(CwlException.class, () -> collect(tool, Map.of(), 0));
        assertTrue(e.getMessage().contains("expected int, got string \"12\""), e.getMessage());
    }

    @Test
    void globWithoutOutputEvalMustGiveFilesOrDirectories() {
        CwlException e = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: []", "outputs: {n: {type: string, outputBinding: {glob: n.txt, loadContents: true}}}")));
        assertEquals("outputs.n.type", e.path());
    }

    @Test
    void outputContentsAreLimitedTo64KiB() throws IOException {
        Files.writeString(outdir.resolve("big.txt"), "x".repeat(64 * 1024 + 1));
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x", "inputs: []",
                "outputs: {f: {type: File, outputBinding: {glob: big.txt, loadContents: true}}}"));
        CwlException e = assertThrows(CwlException.class, () -> collect(tool, Map.of(), 0));
        assertTrue(e.getMessage().contains("65537 bytes, more than the 64 KiB"), e.getMessage());
        Files.writeString(outdir.resolve("big.txt"), "x".repeat(64 * 1024));
        Map<String, Object> f = (Map<String, Object>) collect(tool, Map.of(), 0).get("f");
        assertEquals(64 * 1024, ((String) f.get("contents")).length());
    }

    @Test
    void inputContentsOnTheParameterOrItsBinding() throws IOException {
        Path a = Files.writeString(inputs.resolve("a.txt"), "alpha");
        Path b = Files.writeString(inputs.resolve("b.txt"), "beta");
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: echo",
                "inputs:",
                "  one: {type: File, loadContents: true, inputBinding: {valueFrom: $(self.contents)}}",
                "  many: {type: 'File[]', inputBinding: {loadContents: true, position: 2}}",
                "  plain: {type: File, inputBinding: {position: 3, valueFrom: $(self.basename)}}",
                "outputs: []"));
        assertTrue(tool.inputs().get(0).loadContents());
        assertTrue(tool.inputs().get(1).loadContents());
        Map<String, Object> staged = Map.of(
                "one", Fixtures.file(a.toString()),
                "many", List.of(Fixtures.file(a.toString()), Fixtures.file(b.toString())),
                "plain", Fixtures.file(b.toString()));
        Map<String, Object> loaded = JobInputs.loadContents(tool, staged);
        assertEquals(List.of("echo", "alpha", a.toString(), b.toString(), "b.txt"),
                CommandLineBuilder.build(tool, loaded, Fixtures.RUNTIME).argv());
        assertEquals("beta", ((Map<?, ?>) ((List<?>) loaded.get("many")).get(1)).get("contents"));
        assertEquals(null, ((Map<?, ?>) loaded.get("plain")).get("contents"));
    }

    @Test
    void inputContentsLimit() throws IOException {
        // loadcontents_limit: a 262 KiB file list must be refused
        CommandLineTool tool = Fixtures.conformance("loadContents/loadContents-limit.cwl");
        Path big = Fixtures.SUITE.resolve("loadContents/inp-filelist.txt").toAbsolutePath();
        CwlException e = assertThrows(CwlException.class,
                () -> JobInputs.loadContents(tool, Map.of("filelist", Fixtures.file(big.toString()))));
        assertEquals("inputs.filelist", e.path());
        assertTrue(e.reason().contains("more than the 64 KiB"), e.reason());
    }

    @Test
    void loadContentsNeedsFiles() {
        CwlException e = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {s: {type: string, loadContents: true}}", "outputs: []")));
        assertEquals("inputs.s.loadContents", e.path());
    }
}
