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

/** Record and enum types: parsing, job checking, command lines and outputs. */
class RecordEnumTest {

    @TempDir
    Path outdir;

    private Map<String, Object> collect(CommandLineTool tool, Map<String, Object> job) {
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        Map<String, Object> staged = Fixtures.stage(JobInputs.resolve(tool, job));
        BuiltCommand cmd = CommandLineBuilder.build(tool, staged, runtime);
        return OutputCollector.collect(tool, outdir, staged, runtime, cmd, 0);
    }

    @Test
    void anonymousEnumsInARecordAndAnOptional() {
        // anonymous_enum_in_array
        CommandLineTool tool = Fixtures.conformance("anon_enum_inside_array.cwl");
        CwlType first = tool.inputs().get(0).type();
        assertTrue(first.isRecord());
        assertEquals(List.of("homo_sapiens", "mus_musculus"), first.fields().get(0).type().symbols());
        assertTrue(first.fields().get(0).type().optional());
        Map<String, Object> job = Fixtures.json(Fixtures.suiteFile("anon_enum_inside_array.yml"));
        assertEquals(List.of("echo", "first", "mus_musculus", "second", "homo_sapiens"),
                Fixtures.argv(Fixtures.suiteFile("anon_enum_inside_array.cwl"), job));
    }

    @Test
    void enumValuesAreChecked() {
        CommandLineTool tool = Fixtures.conformance("anon_enum_inside_array.cwl");
        CwlException e = assertThrows(CwlException.class, () -> JobInputs.resolve(tool,
                Map.of("first", Map.of("species", "canis_lupus"), "second", "homo_sapiens")));
        assertEquals("inputs.first", e.path());
        assertTrue(e.reason().contains("expected one of homo_sapiens, mus_musculus, got string \"canis_lupus\""),
                e.reason());
    }

    @Test
    void recordFieldsAreSortedAtEachLevel() {
        // record_order_with_input_bindings
        Map<String, Object> job = Fixtures.json(Fixtures.suiteFile("record-order-job.json"));
        CommandLineTool tool = Fixtures.conformance("record-order.cwl");
        Map<String, Object> withScript = new java.util.LinkedHashMap<>(job);
        withScript.put("args.py", Map.of("class", "File", "location", "args.py"));
        assertEquals(List.of("python", "/staged/args.py", "-a", "-b", "1", "-c", "3", "-d", "-e", "2", "-f", "4"),
                CommandLineBuilder.build(tool, Fixtures.stage(JobInputs.resolve(tool, withScript)),
                        Fixtures.RUNTIME).argv());
    }

    @Test
    void recordJobsAreChecked() {
        CommandLineTool tool = Fixtures.conformance("record-order.cwl");
        CwlException e = assertThrows(CwlException.class, () -> JobInputs.resolve(tool, Fixtures.json(
                "{\"a\": {\"b\": 1, \"x\": 2}, \"d\": 5}")));
        assertEquals(List.of("inputs.a.c: missing required field (type int)",
                "inputs.a.x: unknown field 'x'; the record's fields are: b, c",
                "inputs.d: expected a record with fields e, f, got int 5"), e.errors());
    }

    @Test
    void recordFieldsKeepTheirFormats() {
        // input_records_file_entry_with_format
        CommandLineTool tool = Fixtures.conformance("record-in-format.cwl");
        List<CwlType.Field> fields = tool.inputs().get(1).type().fields();
        assertEquals(List.of("http://example.com/format1"), fields.get(0).input().format());
        assertEquals(List.of("http://example.com/format2"), fields.get(1).input().format());
        assertEquals("File[]", fields.get(1).type().toString());
    }

    @Test
    void userDefinedLengthFields() {
        // user_defined_length_in_parameter_reference
        CommandLineTool tool = Fixtures.conformance("params_input_length_non_array.cwl");
        Map<String, Object> job = Fixtures.json(Fixtures.suiteFile("length_non_array_input.yml"));
        assertEquals(map("output1", 1L, "output2", 2L, "output3", 3L), collect(tool, job));
    }

    @Test
    void recordThroughOutputEval() {
        // record_outputeval_nojs
        CommandLineTool tool = Fixtures.conformance("record_outputeval_nojs.cwl");
        BuiltCommand cmd = CommandLineBuilder.build(tool, JobInputs.resolve(tool, Map.of()), Fixtures.RUNTIME);
        assertEquals(List.of("echo", "GRCm38.primary_assembly.genome.fa gencode.vM21.primary_assembly.annotation.gtf"),
                cmd.argv());
        try {
            Files.writeString(outdir.resolve(cmd.stdoutFile()), "x");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Object> out = collect(tool, Map.of());
        assertEquals(map("genome_fa", "GRCm38.primary_assembly.genome.fa",
                "annotation_gtf", "gencode.vM21.primary_assembly.annotation.gtf"), out.get("references"));
    }

    @Test
    void recordFromCwlOutputJson() throws IOException {
        // paramref_arguments_runtime: the tool echoes $(runtime) into cwl.output.json
        CommandLineTool tool = Fixtures.conformance("paramref_arguments_runtime.cwl");
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        BuiltCommand cmd = CommandLineBuilder.build(tool, JobInputs.resolve(tool, Map.of()), runtime);
        assertEquals("cwl.output.json", cmd.stdoutFile());
        String echoed = cmd.argv().get(1);
        Files.writeString(outdir.resolve("cwl.output.json"), echoed + "\n");
        Map<?, ?> rt = (Map<?, ?>) OutputCollector.collect(tool, outdir, Map.of(), runtime, cmd).get("runtime");
        assertEquals(outdir.toString(), rt.get("outdir"));
        assertEquals(1L, rt.get("cores"));
        assertEquals(256L, rt.get("ram"));
    }

    @Test
    void recordOutputFieldsWithTheirOwnGlobs() throws IOException {
        for (String f : List.of("A", "B", "C")) {
            Files.writeString(outdir.resolve(f), f);
        }
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x", "inputs: []", "outputs:",
                "  rec:", "    type:", "      type: record", "      fields:",
                "        f1: {type: File, outputBinding: {glob: A}}",
                "        f2: {type: 'File[]', outputBinding: {glob: [B, C]}}",
                "        n: {type: int, outputBinding: {outputEval: $(runtime.exitCode)}}"));
        Map<?, ?> rec = (Map<?, ?>) collect(tool, Map.of()).get("rec");
        assertEquals("A", ((Map<?, ?>) rec.get("f1")).get("basename"));
        assertEquals(2, ((List<?>) rec.get("f2")).size());
        assertEquals(0L, rec.get("n"));
    }

    @Test
    void schemaShapesAreChecked() {
        CwlException noFields = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {r: {type: {type: record}}}", "outputs: []")));
        assertEquals("missing required field 'fields'", noFields.reason());
        CwlException badSymbols = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {e: {type: {type: enum, symbols: []}}}", "outputs: []")));
        assertEquals("inputs.e.type.symbols", badSymbols.path());
        CwlException unknown = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "inputs: {r: {type: {type: record, fields: [{name: a, type: int, bogus: 1}]}}}", "outputs: []")));
        assertEquals("inputs.r.type.fields.a.bogus", unknown.path());
    }

    @Test
    void recordWithADefaultFileRoundTripsThroughCwlOutputJson(@TempDir Path inputs) throws IOException {
        // record_with_default: the echoed record names the staged input File, outside the output folder
        CommandLineTool tool = Fixtures.conformance("paramref_arguments_roundtrip.cwl");
        Path whale = Files.writeString(inputs.resolve("whale.txt"), "whale");
        Map<String, Object> resolved = JobInputs.resolve(tool, Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> record = new java.util.LinkedHashMap<>((Map<String, Object>) resolved.get("a_record"));
        record.put("sixth", Fixtures.file(whale.toString()));
        Map<String, Object> staged = Map.of("a_record", record);
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        BuiltCommand cmd = CommandLineBuilder.build(tool, staged, runtime);
        Files.writeString(outdir.resolve("cwl.output.json"), String.join(" ", cmd.argv().subList(1, 4)));
        Map<?, ?> same = (Map<?, ?>) OutputCollector.collect(tool, outdir, staged, runtime, cmd).get("same_record");
        assertEquals("y", same.get("first"));
        assertEquals(4242424242L, same.get("fourth"));
        assertEquals(whale.toString(), ((Map<?, ?>) same.get("sixth")).get("path"));

        Path other = Files.writeString(inputs.resolve("other.txt"), "not an input");
        Files.writeString(outdir.resolve("cwl.output.json"), "{\"same_record\": {\"first\": \"y\", \"second\": 1, "
                + "\"third\": 1, \"fourth\": 1, \"fifth\": 1, \"sixth\": {\"class\": \"File\", \"path\": \""
                + other + "\"}}}");
        CwlException e = assertThrows(CwlException.class,
                () -> OutputCollector.collect(tool, outdir, staged, runtime, cmd));
        assertTrue(e.getMessage().endsWith("'" + other + "' is outside the output directory (at outputs.same_record)"),
                e.getMessage());
    }
}
