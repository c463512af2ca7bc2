package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File formats: namespace expansion, checking of input formats, propagation to outputs. */
class FormatTest {

    @TempDir
    Path outdir;

    private Map<?, ?> output(CommandLineTool tool, Map<String, Object> job) throws IOException {
        Files.writeString(outdir.resolve("output.txt"), "x");
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        Map<String, Object> staged = Fixtures.stage(JobInputs.resolve(tool, job));
        BuiltCommand cmd = CommandLineBuilder.build(tool, staged, runtime);
        return (Map<?, ?>) OutputCollector.collect(tool, outdir, staged, runtime, cmd, 0).get("output");
    }

    @Test
    void declaredOutputFormatIsExpanded() throws IOException {
        // format_checking
        CommandLineTool tool = Fixtures.conformance("formattest.cwl");
        assertEquals(java.util.List.of("http://edamontology.org/format_2330"), tool.inputs().get(0).format());
        Map<?, ?> out = output(tool, Fixtures.json(Fixtures.suiteFile("formattest-job.json")));
        assertEquals("http://edamontology.org/format_2330", out.get("format"));
    }

    @Test
    void formatFromTheInputsFormat() throws IOException {
        // format_checking_subclass and format_checking_equivalentclass: the job's edam:format_1929
        // is expanded with the tool's namespaces and handed on (formats are not checked)
        for (String name : java.util.List.of("formattest2.cwl", "formattest3.cwl")) {
            Map<?, ?> out = output(Fixtures.conformance(name),
                    Fixtures.json(Fixtures.suiteFile("formattest2-job.json")));
            assertEquals("http://edamontology.org/format_1929", out.get("format"), name);
        }
    }

    @Test
    void noDeclaredFormatNoFormat() throws IOException {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x", "inputs: []",
                "outputs: {output: {type: File, outputBinding: {glob: output.txt}}}"));
        assertNull(output(tool, Map.of()).get("format"));
    }

    @Test
    void formatsOfFilesInParametersRecordFieldsAndArraysAreChecked() {
        // input_records_file_entry_with_format and its three _and_bad_ variants
        CommandLineTool tool = Fixtures.conformance("record-in-format.cwl");
        Map<String, Object> good = Fixtures.json(Fixtures.suiteFile("record-format-job.yml"));
        assertEquals(good.keySet(), JobInputs.resolve(tool, good).keySet());
        Map<String, String> bad = Map.of(
                "record-format-job2.yml", "inputs.regular_input",
                "record-format-job3.yml", "inputs.record_input",
                "record-format-job4.yml", "inputs.record_input");
        bad.forEach((job, path) -> {
            CwlException e = assertThrows(CwlException.class,
                    () -> JobInputs.resolve(tool, Fixtures.json(Fixtures.suiteFile(job))), job);
            assertEquals(path, e.path(), job);
            assertTrue(e.getMessage().contains("http://example.com/formatZ is not http://example.com/format"),
                    e.getMessage());
        });
    }

    @Test
    void aFileWithoutFormatIsRefusedWhereAFormatIsDeclared() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {f: {type: File, format: 'http://example.com/a'}}", "outputs: []"));
        CwlException e = assertThrows(CwlException.class, () -> JobInputs.resolve(tool,
                Map.of("f", Map.of("class", "File", "location", "a.txt"))));
        assertTrue(e.getMessage().contains("has no format"), e.getMessage());
    }

    @Test
    void withOntologiesFormatsAreNotChecked() {
        // format_checking_subclass: format_1929 is a subclass of the declared format_2330 in EDAM.owl
        CommandLineTool tool = Fixtures.conformance("formattest2.cwl");
        Map<String, Object> job = Fixtures.json(Fixtures.suiteFile("formattest2-job.json"));
        assertEquals("http://edamontology.org/format_1929",
                ((Map<?, ?>) JobInputs.resolve(tool, job).get("input")).get("format"));
    }
}
