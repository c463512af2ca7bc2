package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputCollectorTest {

    @TempDir
    Path outdir;

    @TempDir
    Path elsewhere;

    private RuntimeContext runtime;

    @BeforeEach
    void setUp() {
        runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
    }

    private void touch(String... names) throws IOException {
        for (String name : names) {
            Path p = outdir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, name);
        }
    }

    private Map<String, Object> collect(String cwl, Map<String, Object> job) {
        CommandLineTool tool = CwlParser.parseTool(cwl);
        Map<String, Object> inputs = Fixtures.stage(JobInputs.resolve(tool, job));
        BuiltCommand cmd = CommandLineBuilder.build(tool, inputs, runtime);
        return OutputCollector.collect(tool, outdir, inputs, runtime, cmd);
    }

    private CwlException failure(String cwl, Map<String, Object> job) {
        CwlException e = assertThrows(CwlException.class, () -> collect(cwl, job));
        assertEquals(CwlException.Kind.INVALID, e.kind());
        return e;
    }

    private Map<String, Object> file(String rel) {
        return map("class", "File", "path", outdir.resolve(rel).toString(),
                "basename", outdir.resolve(rel).getFileName().toString());
    }

    private static String outputs(String... lines) {
        return tool("baseCommand: run", "inputs: {name: {type: string, default: sample}}", "outputs:")
                + String.join("\n", lines) + "\n";
    }

    @Test
    void singleFileArrayAndOptional() throws IOException {
        touch("sample.bam", "b.txt", "a.txt", "sub/c.txt", "sub/deep/d.txt");
        Map<String, Object> out = collect(outputs(
                "  bam: {type: File, outputBinding: {glob: $(inputs.name).bam}}",
                "  txts: {type: 'File[]', outputBinding: {glob: '*.txt'}}",
                "  nested: {type: 'File[]', outputBinding: {glob: ['sub/*.txt', 'a.txt', '**/d.txt']}}",
                "  none: {type: 'File?', outputBinding: {glob: missing.vcf}}",
                "  empty: {type: 'File[]', outputBinding: {glob: '*.vcf'}}"), Map.of());
        assertEquals(file("sample.bam"), out.get("bam"));
        assertEquals(List.of(file("a.txt"), file("b.txt")), out.get("txts"));
        assertEquals(List.of(file("a.txt"), file("sub/c.txt"), file("sub/deep/d.txt")), out.get("nested"));
        assertNull(out.get("none"));
        assertTrue(out.containsKey("none"));
        assertEquals(List.of(), out.get("empty"));
    }

    @Test
    void stdoutAndStderrOutputs() throws IOException {
        String cwl = outputs("  o: stdout", "  e: stderr") + "stdout: out.log\n";
        touch("out.log");
        CommandLineTool tool = CwlParser.parseTool(cwl);
        Map<String, Object> inputs = JobInputs.resolve(tool, Map.of());
        BuiltCommand cmd = CommandLineBuilder.build(tool, inputs, runtime);
        Files.writeString(outdir.resolve(cmd.stderrFile()), "err");
        Map<String, Object> out = OutputCollector.collect(tool, outdir, inputs, runtime, cmd);
        assertEquals(file("out.log"), out.get("o"));
        assertEquals(file(cmd.stderrFile()), out.get("e"));
    }

    @Test
    void absolutePatternUnderRuntimeOutdirIsAccepted() throws IOException {
        touch("r.txt");
        Map<String, Object> out = collect(outputs("  r: {type: File, outputBinding: {glob: $(runtime.outdir)/r.txt}}"),
                Map.of());
        assertEquals(file("r.txt"), out.get("r"));
    }

    @Test
    void escapeAttemptsAreRejected() throws IOException {
        Files.writeString(elsewhere.resolve("secret.txt"), "s");
        Files.createSymbolicLink(outdir.resolve("link.txt"), elsewhere.resolve("secret.txt"));
        CwlException e = failure(outputs(
                "  abs: {type: File, outputBinding: {glob: /etc/passwd}}",
                "  up: {type: File, outputBinding: {glob: ../secret.txt}}",
                "  sneaky: {type: 'File[]', outputBinding: {glob: 'sub/../../*.txt'}}",
                "  link: {type: File, outputBinding: {glob: link.txt}}",
                "  self: {type: File, outputBinding: {glob: .}}"), Map.of());
        assertEquals(List.of(
                "outputs.abs: glob '/etc/passwd' is an absolute path outside the output directory; globs are matched "
                        + "relative to the output directory",
                "outputs.up: glob '../secret.txt' leaves the output directory ('..' is not allowed)",
                "outputs.sneaky: glob 'sub/../../*.txt' leaves the output directory ('..' is not allowed)",
                "outputs.link: 'link.txt' resolves to " + elsewhere.resolve("secret.txt").toRealPath()
                        + ", outside the output directory; refusing it",
                "outputs.self: glob '.' names the output directory itself, not a file"), e.errors());
    }

    @Test
    void symlinkInsideOutdirIsFineAndKeepsItsOwnName() throws IOException {
        touch("real.txt");
        Files.createSymbolicLink(outdir.resolve("alias.txt"), outdir.resolve("real.txt"));
        assertEquals(file("alias.txt"), collect(outputs("  a: {type: File, outputBinding: {glob: alias.txt}}"),
                Map.of()).get("a"));
    }

    @Test
    void countAndTypeProblems() throws IOException {
        touch("x1.txt", "x2.txt", "dir/inner");
        CwlException e = failure(outputs(
                "  one: {type: File, outputBinding: {glob: 'x*.txt'}}",
                "  zero: {type: File, outputBinding: {glob: nothing.txt}}",
                "  dir: {type: File, outputBinding: {glob: dir}}",
                "  fromJson: 'string[]'"), Map.of());
        assertEquals(List.of(
                "outputs.one: type File needs exactly one file, but glob 'x*.txt' matched 2: x1.txt, x2.txt",
                "outputs.zero: glob 'nothing.txt' matched no file in the output directory",
                "outputs.dir: type File expects files, but 'dir' is a directory",
                "outputs.fromJson: output of type string[] has no glob, so its value must come from cwl.output.json, "
                        + "which the tool did not write"), e.errors());
        assertTrue(e.getMessage().startsWith("the output collection has 4 problems: outputs.one:"), e.getMessage());
    }

    @Test
    void cwlOutputJsonIsTheOutputObject() throws IOException {
        touch("res/a.txt");
        Files.writeString(outdir.resolve("cwl.output.json"), "{\"args\": [\"a\", \"b\"], \"n\": 3, "
                + "\"f\": {\"class\": \"File\", \"location\": \"res/a.txt\"}, \"extra\": 1.5}");
        Map<String, Object> out = collect(outputs("  args: 'string[]'", "  n: int",
                "  f: {type: File, outputBinding: {glob: ignored.txt}}", "  opt: 'string?'"), Map.of());
        assertEquals(List.of("a", "b"), out.get("args"));
        assertEquals(3L, out.get("n"));
        assertEquals(file("res/a.txt"), out.get("f"));
        assertNull(out.get("opt"));
        assertEquals(1.5, out.get("extra"));
    }

    @Test
    void cwlOutputJsonFilesMustStayInside() throws IOException {
        Files.writeString(outdir.resolve("cwl.output.json"),
                "{\"f\": {\"class\": \"File\", \"path\": \"/etc/hostname\"}, \"n\": \"x\"}");
        CwlException e = failure(outputs("  f: File", "  n: int"), Map.of());
        assertEquals(List.of("outputs.f: '/etc/hostname' is outside the output directory",
                "outputs.n: expected int, got string \"x\""), e.errors());
    }
}
