package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        assertEquals(List.of(file("sub/c.txt"), file("a.txt"), file("sub/deep/d.txt")), out.get("nested"),
                "sorted within each pattern, the patterns in order (initial_work_dir_for_array_dirs)");
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
        assertEquals(List.of("args", "n", "f", "opt"), List.copyOf(out.keySet()));
    }

    @Test
    void cwlOutputJsonFilesMustStayInside() throws IOException {
        Files.writeString(outdir.resolve("cwl.output.json"),
                "{\"f\": {\"class\": \"File\", \"path\": \"/etc/hostname\"}, \"n\": \"x\"}");
        CwlException e = failure(outputs("  f: File", "  n: int"), Map.of());
        assertEquals(List.of("outputs.f: '/etc/hostname' is outside the output directory",
                "outputs.n: expected int, got string \"x\""), e.errors());
    }

    // ------------------------------------------------------------ escapes (security review)

    private Path secret() throws IOException {
        Path secret = elsewhere.resolve("secret.txt");
        if (!Files.exists(secret)) {
            Files.writeString(secret, "s");
        }
        return secret;
    }

    private void outputJson(String json) throws IOException {
        Files.writeString(outdir.resolve("cwl.output.json"), json);
    }

    @Test
    void cwlOutputJsonUndeclaredKeysAreDropped() throws IOException {
        outputJson("{\"n\": 1, \"x\": {\"class\": \"File\", \"path\": \"" + secret() + "\"}, "
                + "\"y\": [{\"class\": \"File\", \"path\": \"/etc/passwd\"}], \"extra\": 1.5}");
        Map<String, Object> out = collect(outputs("  n: int"), Map.of());
        assertEquals(Map.of("n", 1L), out);
        assertFalse(out.containsKey("x"));
        assertFalse(out.toString().contains(secret().toString()), out.toString());
    }

    @Test
    void cwlOutputJsonNestedFilesInMapsAreChecked() throws IOException {
        outputJson("{\"a\": {\"x\": {\"class\": \"File\", \"path\": \"" + secret() + "\"}}, "
                + "\"b\": {\"deep\": [1, {\"f\": {\"class\": \"File\", \"location\": \"file://" + secret() + "\"}}]}, "
                + "\"c\": [{\"class\": \"Directory\", \"path\": \"" + elsewhere + "\"}], "
                + "\"d\": {\"class\": \"File\", \"path\": \"ok.txt\", "
                + "\"secondaryFiles\": [{\"class\": \"File\", \"path\": \"/etc/passwd\"}]}}");
        touch("ok.txt");
        CwlException e = failure(outputs("  a: Any", "  b: Any", "  c: Any", "  d: File"), Map.of());
        assertEquals(List.of(
                "outputs.a.x: '" + secret() + "' is outside the output directory",
                "outputs.b.deep[1].f: 'file://" + secret() + "' is outside the output directory",
                "outputs.c[0]: '" + elsewhere + "' is outside the output directory",
                "outputs.d.secondaryFiles[0]: '/etc/passwd' is outside the output directory"), e.errors());
        assertTrue(e.getMessage().contains("outputs.a.x:"), e.getMessage());
    }

    @Test
    void cwlOutputJsonRelativePathsWithDotDotAreRefused() throws IOException {
        secret();
        Files.createDirectories(outdir.resolve("sub"));
        String up = outdir.relativize(elsewhere.resolve("secret.txt")).toString();
        outputJson("{\"f\": {\"class\": \"File\", \"path\": \"" + up + "\"}, "
                + "\"g\": {\"k\": {\"class\": \"File\", \"location\": \"sub/../../x.txt\"}}, "
                + "\"h\": {\"class\": \"File\", \"path\": \"..\"}, "
                + "\"i\": {\"class\": \"Directory\", \"path\": \"sub/..\"}}");
        CwlException e = failure(outputs("  f: File", "  g: Any", "  h: Any", "  i: Any"), Map.of());
        assertEquals(List.of(
                "outputs.f: '" + up + "' is outside the output directory",
                "outputs.g.k: 'sub/../../x.txt' is outside the output directory",
                "outputs.h: '..' is outside the output directory",
                "outputs.i: 'sub/..' names the output directory itself"), e.errors());
    }

    @Test
    void cwlOutputJsonSymlinkedFilesLeavingOutdirAreRefused() throws IOException {
        Files.createSymbolicLink(outdir.resolve("link.txt"), secret());
        Files.createSymbolicLink(outdir.resolve("linkdir"), elsewhere);
        outputJson("{\"f\": {\"class\": \"File\", \"path\": \"link.txt\"}, "
                + "\"a\": {\"m\": [{\"class\": \"File\", \"path\": \"" + outdir.resolve("link.txt") + "\"}]}, "
                + "\"t\": {\"class\": \"File\", \"location\": \"linkdir/secret.txt\"}, "
                + "\"d\": {\"class\": \"Directory\", \"path\": \"linkdir\"}}");
        CwlException e = failure(outputs("  f: File", "  a: Any", "  t: Any", "  d: Any"), Map.of());
        String real = secret().toRealPath().toString();
        assertEquals(List.of(
                "outputs.f: 'link.txt' resolves to " + real + ", outside the output directory",
                "outputs.a.m[0]: '" + outdir.resolve("link.txt") + "' resolves to " + real
                        + ", outside the output directory",
                "outputs.t: 'linkdir/secret.txt' resolves to " + real + ", outside the output directory",
                "outputs.d: 'linkdir' resolves to " + elsewhere.toRealPath() + ", outside the output directory"),
                e.errors());
    }

    @Test
    void cwlOutputJsonLegitimateNestedFilesAreLocalized() throws IOException {
        touch("res/a.txt", "res/b.txt", "res/a.txt.idx");
        Files.createSymbolicLink(outdir.resolve("alias.txt"), outdir.resolve("res/b.txt"));
        outputJson("{\"a\": {\"label\": \"x\", \"path\": \"/not/a/file/just/data\", "
                + "\"one\": {\"class\": \"File\", \"location\": \"res/a.txt\", \"size\": 99}, "
                + "\"many\": [{\"class\": \"File\", \"path\": \"" + outdir.resolve("res/b.txt") + "\"}, "
                + "{\"class\": \"File\", \"location\": \"file://" + outdir.resolve("alias.txt") + "\"}, "
                + "{\"class\": \"Directory\", \"path\": \"res\"}]}, "
                + "\"f\": {\"class\": \"File\", \"path\": \"./res/../res/a.txt\", \"format\": \"edam:1\", "
                + "\"secondaryFiles\": [{\"class\": \"File\", \"path\": \"res/a.txt.idx\"}]}}");
        Map<String, Object> out = collect(outputs("  a: Any", "  f: File"), Map.of());
        Map<String, Object> expectedA = new LinkedHashMap<>();
        expectedA.put("label", "x");
        expectedA.put("path", "/not/a/file/just/data");
        expectedA.put("one", file("res/a.txt"));
        expectedA.put("many", List.of(file("res/b.txt"), file("alias.txt"),
                map("class", "Directory", "path", outdir.resolve("res").toString(), "basename", "res",
                        "listing", List.of(file("res/a.txt"), file("res/a.txt.idx"), file("res/b.txt")))));
        assertEquals(expectedA, out.get("a"));
        Map<String, Object> expectedF = new LinkedHashMap<>(file("res/a.txt"));
        expectedF.put("format", "edam:1");
        expectedF.put("secondaryFiles", List.of(file("res/a.txt.idx")));
        assertEquals(expectedF, out.get("f"));
    }

    @Test
    void symlinkedStdoutLeavingOutdirIsRefused() throws IOException {
        String cwl = outputs("  o: stdout", "  e: stderr") + "stdout: out.log\nstderr: err.log\n";
        Files.createSymbolicLink(outdir.resolve("out.log"), secret());
        Files.createSymbolicLink(outdir.resolve("err.log"), elsewhere.resolve("gone.log"));
        CwlException e = failure(cwl, Map.of());
        assertEquals(List.of(
                "outputs.o: the captured stdout file 'out.log' resolves to " + secret().toRealPath()
                        + ", outside the output directory; refusing it",
                "outputs.e: the captured stderr file 'err.log' is a broken symlink"), e.errors());
    }

    @Test
    void streamFilesMustBeRegularFilesInsideOutdir() throws IOException {
        touch("real.log");
        Files.createSymbolicLink(outdir.resolve("alias.log"), outdir.resolve("real.log"));
        String cwl = outputs("  o: stdout", "  e: stderr");
        CommandLineTool tool = CwlParser.parseTool(cwl);
        Map<String, Object> inputs = JobInputs.resolve(tool, Map.of());
        Map<String, Object> ok = OutputCollector.collect(tool, outdir, inputs, runtime,
                new BuiltCommand(List.of("run"), null, "alias.log", "real.log", Map.of()));
        assertEquals(file("alias.log"), ok.get("o"));
        assertEquals(file("real.log"), ok.get("e"));

        Files.createDirectories(outdir.resolve("adir"));
        CwlException e = assertThrows(CwlException.class, () -> OutputCollector.collect(tool, outdir, inputs,
                runtime, new BuiltCommand(List.of("run"), null, outdir.relativize(secret()).toString(), "adir",
                        Map.of())));
        assertEquals(List.of(
                "outputs.o: the captured stdout file '" + outdir.relativize(secret())
                        + "' is outside the output directory; refusing it",
                "outputs.e: the captured stderr file 'adir' is not a regular file"), e.errors());
    }

    @Test
    void withOutputEvalAGlobOfTheOutputDirectoryFeedsAFileOutput() throws IOException {
        // listing_outputBinding_loadListing: glob '.', loadListing, outputEval picks file2
        touch("file1", "file2", "file3");
        Map<String, Object> out = collect(Fixtures.suiteFile("listing_shallow3.cwl"), Map.of());
        assertEquals("file2", ((Map<?, ?>) out.get("out")).get("basename"));
        assertEquals(outdir.resolve("file2").toString(), ((Map<?, ?>) out.get("out")).get("path"));
        // without outputEval, '.' is no File
        CwlException e = failure(tool("baseCommand: x", "inputs: []",
                "outputs: {out: {type: File, outputBinding: {glob: .}}}"), Map.of());
        assertTrue(e.getMessage().contains("names the output directory itself"), e.getMessage());
    }
}
