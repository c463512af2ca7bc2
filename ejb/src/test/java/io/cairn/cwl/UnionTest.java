package io.cairn.cwl;

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

/** Unions of several non-null types. */
class UnionTest {

    @TempDir
    Path outdir;

    @Test
    void filesAndDirectoriesFromOneGlob() throws IOException {
        // capture_files_and_dirs: items [File, Directory]
        Files.createDirectories(outdir.resolve("testdir/c"));
        for (String f : List.of("testdir/a", "testdir/b", "testdir/c/d")) {
            Files.writeString(outdir.resolve(f), "");
        }
        CommandLineTool tool = Fixtures.conformance("capture-files-and-dirs.cwl");
        assertEquals("[File, Directory][]", tool.outputs().get(0).type().toString());
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        Map<String, Object> staged = Fixtures.stage(JobInputs.resolve(tool, Fixtures.json(
                "{\"indir\": {\"class\": \"Directory\", \"basename\": \"testdir\", \"listing\": []}}")));
        List<?> result = (List<?>) OutputCollector.collect(tool, outdir, staged, runtime,
                CommandLineBuilder.build(tool, staged, runtime)).get("result");
        assertEquals(List.of("File", "File", "Directory"), result.stream().map(r -> ((Map<?, ?>) r).get("class")).toList());
        assertEquals(1, ((List<?>) ((Map<?, ?>) result.get(2)).get("listing")).size());
    }

    @Test
    void valuesTakeTheFirstFittingAlternative() {
        String cwl = tool("baseCommand: echo",
                "inputs: {x: {type: [int, string, 'string[]'], inputBinding: {prefix: -x, itemSeparator: ','}}}",
                "outputs: []");
        assertEquals(List.of("echo", "-x", "7"), Fixtures.argv(cwl, Map.of("x", 7)));
        assertEquals(List.of("echo", "-x", "seven"), Fixtures.argv(cwl, Map.of("x", "seven")));
        assertEquals(List.of("echo", "-x", "a,b"), Fixtures.argv(cwl, Map.of("x", List.of("a", "b"))));
        CwlException e = assertThrows(CwlException.class, () -> Fixtures.argv(cwl, Map.of("x", true)));
        assertTrue(e.reason().contains("expected [int, string, string[]], got boolean true"), e.reason());
    }

    @Test
    void aRecordAlternativeBindsItsOwnFields() {
        // nested_cl_bindings: items [Map1, Map2, Map3, Map4], records told apart by their enum field
        String cwl = Fixtures.suiteFile("tmap-tool.cwl");
        Map<String, Object> job = Fixtures.json(Fixtures.suiteFile("tmap-job.json"));
        job.put("args.py", Fixtures.map("class", "File", "location", "args.py"));
        assertEquals(List.of("python", "/staged/args.py", "tmap", "mapall", "stage1", "map1", "--min-seq-length", "20",
                "map2", "--min-seq-length", "20", "stage2", "map1", "--max-seq-length", "20", "--min-seq-length", "10",
                "--seed-length", "16", "map2", "--max-seed-hits", "-1", "--max-seq-length", "20", "--min-seq-length",
                "10"), Fixtures.argv(cwl, job));
    }

    @Test
    void aUnionWithoutBindingOfItsOwnBindsTheChosenAlternative() {
        String cwl = tool("requirements:",
                "  SchemaDefRequirement:",
                "    types:",
                "      - {name: A, type: record, fields: {kind: {type: {type: enum, symbols: [a]},"
                        + " inputBinding: {position: 0}}, n: {type: int, inputBinding: {prefix: -n, position: 1}}}}",
                "      - {name: B, type: record, fields: {kind: {type: {type: enum, symbols: [b]},"
                        + " inputBinding: {position: 0}}, s: {type: string, inputBinding: {prefix: -s}}}}",
                "baseCommand: run",
                "inputs:",
                "  x: {type: ['#A', '#B', int], inputBinding: {prefix: --x, position: 1}}",
                "  y: {type: ['null', '#A', '#B']}",
                "outputs: []");
        assertEquals(List.of("run", "--x", "b", "-s", "two words"),
                Fixtures.argv(cwl, Map.of("x", Map.of("kind", "b", "s", "two words"))));
        assertEquals(List.of("run", "--x", "a", "-n", "3"), Fixtures.argv(cwl, Map.of("x", Map.of("kind", "a", "n", 3))));
        assertEquals(List.of("run", "--x", "5"), Fixtures.argv(cwl, Map.of("x", 5)));
        // no binding on the input: the chosen record's fields sort among the tool's bindings
        assertEquals(List.of("run", "b", "-s", "t", "--x", "5"),
                Fixtures.argv(cwl, Map.of("x", 5, "y", Map.of("kind", "b", "s", "t"))));
        CwlException e = assertThrows(CwlException.class,
                () -> Fixtures.argv(cwl, Map.of("x", Map.of("kind", "c"))));
        assertTrue(e.reason().contains("expected"), e.reason());
    }
}
