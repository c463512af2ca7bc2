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

/** secondaryFiles on inputs (checked after staging) and outputs (found beside the primary file). */
class SecondaryFilesTest {

    @TempDir
    Path outdir;

    @Test
    void patternsWithCaretsAndOptionalMarks() {
        assertEquals("a.bam.bai", new SecondaryFile(".bai", true).nameFor("a.bam"));
        assertEquals("a.bai", new SecondaryFile("^.bai", true).nameFor("a.bam"));
        assertEquals("a.idx", new SecondaryFile("^^.idx", true).nameFor("a.vcf.gz"));
        assertEquals("README.txt", new SecondaryFile("^.txt", true).nameFor("README"));
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {f: {type: File, secondaryFiles: [.bai, '^.crai?', {pattern: .tbi, required: false}]}}",
                "outputs: {o: {type: File, secondaryFiles: .s, outputBinding: {glob: o}}}"));
        assertEquals(List.of(new SecondaryFile(".bai", true), new SecondaryFile("^.crai", false),
                new SecondaryFile(".tbi", false)), tool.inputs().get(0).secondaryFiles());
        assertEquals(List.of(new SecondaryFile(".s", false)), tool.outputs().get(0).secondaryFiles());
    }

    @Test
    void badPatternsAreRefused() {
        CwlException slash = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {f: {type: File, secondaryFiles: ../x}}", "outputs: []")));
        assertEquals("inputs.f.secondaryFiles", slash.path());
        CwlException js = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {f: {type: File, secondaryFiles: '${ return self.basename + \".x\"; }'}}", "outputs: []")));
        assertEquals(CwlException.Kind.UNSUPPORTED, js.kind());
        CwlException unknown = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {f: {type: File, secondaryFiles: $(inputs.g.basename).x}}", "outputs: []")));
        assertEquals(CwlException.Kind.MALFORMED, unknown.kind());
        assertEquals("inputs.f.secondaryFiles", unknown.path());
        CwlException notFile = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {s: {type: string, secondaryFiles: .x}}", "outputs: []")));
        assertEquals("inputs.s.secondaryFiles", notFile.path());
    }

    @Test
    void inputRecordFieldsNeedTheirSecondaryFiles() {
        // secondary_files_in_unnamed_records
        CommandLineTool tool = Fixtures.conformance("record-in-secondaryFiles.cwl");
        Map<String, Object> staged = Map.of("record_input", map(
                "f1", map("class", "File", "path", "/in/A", "basename", "A",
                        "secondaryFiles", List.of(map("class", "File", "path", "/in/A.s2", "basename", "A.s2"))),
                "f2", List.of(
                        map("class", "File", "path", "/in/B", "basename", "B",
                                "secondaryFiles", List.of(map("class", "File", "path", "/in/B.s3", "basename", "B.s3"))),
                        map("class", "File", "path", "/in/C", "basename", "C"))));
        CwlException e = assertThrows(CwlException.class, () -> JobInputs.checkSecondaryFiles(tool, staged));
        assertEquals(List.of("inputs.record_input.f2[1]: missing secondary file 'C.s3' (pattern .s3) for C; give it "
                + "in the File's \"secondaryFiles\""), e.errors());
        assertEquals(List.of("test", "-f", "/in/A.s2", "-a", "-f", "/in/B.s3", "-a", "-f", "/in/C.s3"),
                CommandLineBuilder.build(tool, staged, Fixtures.RUNTIME).argv());
    }

    @Test
    void outputRecordFieldsCollectTheirSecondaryFiles() throws IOException {
        // secondary_files_in_output_records
        for (String f : List.of("A", "A.s2", "B", "B.s3", "C", "C.s3")) {
            Files.writeString(outdir.resolve(f), "");
        }
        CommandLineTool tool = Fixtures.conformance("record-out-secondaryFiles.cwl");
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        BuiltCommand cmd = CommandLineBuilder.build(tool, Map.of(), runtime);
        assertEquals(List.of("touch", "A", "A.s2", "B", "B.s3", "C", "C.s3"), cmd.argv());
        Map<?, ?> rec = (Map<?, ?>) OutputCollector.collect(tool, outdir, Map.of(), runtime, cmd, 0)
                .get("record_output");
        Map<?, ?> f1 = (Map<?, ?>) rec.get("f1");
        assertEquals(List.of(map("class", "File", "path", outdir.resolve("A.s2").toString(), "basename", "A.s2")),
                f1.get("secondaryFiles"));
        List<?> f2 = (List<?>) rec.get("f2");
        assertEquals("C.s3", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) f2.get(1)).get("secondaryFiles")).get(0))
                .get("basename"));
    }

    @Test
    void requiredOutputSecondaryFileMissing() throws IOException {
        Files.writeString(outdir.resolve("o.bam"), "");
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x", "inputs: []",
                "outputs: {o: {type: File, secondaryFiles: [{pattern: ^.bai, required: true}, '.md5?'], "
                        + "outputBinding: {glob: o.bam}}}"));
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        CwlException e = assertThrows(CwlException.class, () -> OutputCollector.collect(tool, outdir, Map.of(),
                runtime, CommandLineBuilder.build(tool, Map.of(), runtime), 0));
        assertTrue(e.getMessage().contains("secondary file 'o.bai' (pattern ^.bai) of 'o.bam' is missing"),
                e.getMessage());
        Files.writeString(outdir.resolve("o.bai"), "");
        Map<?, ?> o = (Map<?, ?>) OutputCollector.collect(tool, outdir, Map.of(), runtime,
                CommandLineBuilder.build(tool, Map.of(), runtime), 0).get("o");
        assertEquals(1, ((List<?>) o.get("secondaryFiles")).size());
    }
}
