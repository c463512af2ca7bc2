package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File formats: namespace expansion on declarations and job values, propagation to outputs. */
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
}
