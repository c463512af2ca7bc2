package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** secondaryFiles patterns and {@code required} given as expressions, on inputs and on outputs. */
class SecondaryFileExpressionsTest {

    private static final RuntimeContext RUNTIME = new RuntimeContext("/work", "/tmp/t", 1, 256);

    @TempDir
    Path outdir;

    /** Records what a Beside is asked to stage and answers with a staged copy beside the primary. */
    private static final class Recorder implements JobInputs.Beside {
        final List<Map<String, Object>> asked = new ArrayList<>();
        final List<Map<String, Object>> dropped = new ArrayList<>();

        @Override
        public void drop(Map<String, Object> staged) {
            dropped.add(staged);
        }

        @Override
        public Map<String, Object> place(Map<String, Object> primary, Map<String, Object> object, String basename) {
            asked.add(object);
            String folder = ((String) primary.get("path")).replaceAll("/[^/]*$", "");
            return map("class", object.get("class"), "basename", basename, "path", folder + "/" + basename);
        }
    }

    @Test
    void expressionsAreKeptForRunTime() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: {f: {type: File, secondaryFiles: ['$(self.nameroot).i', "
                        + "{pattern: .d, required: $(inputs.b)}]}, b: 'boolean?'}",
                "outputs: {o: {type: File, secondaryFiles: '${ return null; }', outputBinding: {glob: o}}}"));
        assertEquals(List.of(new SecondaryFile("$(self.nameroot).i", true, null),
                new SecondaryFile(".d", true, "$(inputs.b)")), tool.inputs().get(0).secondaryFiles());
        assertTrue(tool.inputs().get(0).secondaryFiles().get(0).isExpression());
        assertEquals(List.of(new SecondaryFile("${ return null; }", false, null)),
                tool.outputs().get(0).secondaryFiles());
    }

    @Test
    void inputExpressionNamesAreCheckedLikePatterns() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: {f: {type: 'File[]', secondaryFiles: ['$(self.nameroot).idx$(self.nameext)', "
                        + "'${ return inputs.strict ? [self.basename + \".x\", null] : null; }', "
                        + "{pattern: .y, required: $(inputs.strict)}]}, strict: 'boolean?'}",
                "outputs: []"));
        Map<String, Object> a = map("class", "File", "path", "/in/0/a.txt", "basename", "a.txt",
                "secondaryFiles", List.of(map("class", "File", "path", "/in/0/a.idx.txt", "basename", "a.idx.txt")));
        Map<String, Object> relaxed = new LinkedHashMap<>(Map.of("f", List.of(a)));
        relaxed.put("strict", null);
        // the names are there; the optional .x and .y are not asked for without strict
        assertEquals(relaxed, JobInputs.secondaryFiles(tool, relaxed, RUNTIME, new Recorder()));
        Map<String, Object> strict = new LinkedHashMap<>(Map.of("f", List.of(a), "strict", true));
        CwlException e = assertThrows(CwlException.class,
                () -> JobInputs.secondaryFiles(tool, strict, RUNTIME, new Recorder()));
        assertEquals(List.of(
                "inputs.f[0]: missing secondary file 'a.txt.x' (pattern ${ return inputs.strict ? [self.basename + "
                        + "\".x\", null] : null; }) for a.txt; give it in the File's \"secondaryFiles\"",
                "inputs.f[0]: missing secondary file 'a.txt.y' (pattern .y) for a.txt; give it in the File's "
                        + "\"secondaryFiles\""), e.errors());
        Map<String, Object> b = map("class", "File", "path", "/in/1/b.txt", "basename", "b.txt");
        CwlException missing = assertThrows(CwlException.class, () -> JobInputs.secondaryFiles(tool,
                new LinkedHashMap<>(Map.of("f", List.of(a, b))), RUNTIME, new Recorder()));
        assertEquals(List.of("inputs.f[1]: missing secondary file 'b.idx.txt' (pattern $(self.nameroot).idx"
                + "$(self.nameext)) for b.txt; give it in the File's \"secondaryFiles\""), missing.errors());
    }

    @Test
    void inputExpressionFileObjectsAreStagedBesideThePrimary() {
        // command_input_file_expression: the accessory input, renamed, becomes the secondary file
        CommandLineTool tool = Fixtures.conformance("secondaryfiles/rename-inputs.cwl");
        Map<String, Object> staged = new LinkedHashMap<>();
        staged.put("inputWithSecondary", map("class", "File", "location", "/api/v1/files/1",
                "path", "/in/0/secondary_file_test.txt", "basename", "secondary_file_test.txt"));
        staged.put("accessory", map("class", "File", "location", "/api/v1/files/2",
                "path", "/in/1/secondary_file_test.txt.accessory", "basename", "secondary_file_test.txt.accessory"));
        Recorder beside = new Recorder();
        Map<String, Object> out = JobInputs.secondaryFiles(tool, staged, RUNTIME, beside);
        assertEquals(1, beside.asked.size());
        assertEquals("/api/v1/files/2", beside.asked.get(0).get("location"));
        assertEquals(List.of(map("class", "File", "basename", "secondary_file_test.accessory",
                        "path", "/in/0/secondary_file_test.accessory")),
                ((Map<?, ?>) out.get("inputWithSecondary")).get("secondaryFiles"));
        assertEquals(staged.get("accessory"), out.get("accessory"));
        // a secondary file of that name given with the job is kept, not staged again
        Map<String, Object> given = new LinkedHashMap<>(staged);
        Map<String, Object> primary = new LinkedHashMap<>(map("class", "File", "location", "/api/v1/files/1",
                "path", "/in/0/secondary_file_test.txt", "basename", "secondary_file_test.txt"));
        primary.put("secondaryFiles", List.of(map("class", "File", "basename", "secondary_file_test.accessory",
                "path", "/in/0/secondary_file_test.accessory")));
        given.put("inputWithSecondary", primary);
        Recorder none = new Recorder();
        assertEquals(given, JobInputs.secondaryFiles(tool, given, RUNTIME, none));
        assertEquals(List.of(), none.asked);
    }

    @Test
    void anExpressionsBasenameTakesPrecedenceOverASecondaryFileGivenWithTheSameLocation() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: {f: {type: File, secondaryFiles: "
                        + "'${ return {class: \"File\", location: self.secondaryFiles[0].location, basename: \"a.new\"}; }'}}",
                "outputs: []"));
        Map<String, Object> old = map("class", "File", "location", "/api/v1/files/2", "basename", "a.old",
                "path", "/in/0/a.old");
        Map<String, Object> primary = new LinkedHashMap<>(map("class", "File", "location", "/api/v1/files/1",
                "basename", "a", "path", "/in/0/a"));
        primary.put("secondaryFiles", List.of(old));
        Recorder beside = new Recorder();
        Map<String, Object> out = JobInputs.secondaryFiles(tool, new LinkedHashMap<>(Map.of("f", primary)), RUNTIME,
                beside);
        assertEquals(List.of(map("class", "File", "basename", "a.new", "path", "/in/0/a.new")),
                ((Map<?, ?>) out.get("f")).get("secondaryFiles"));
        assertEquals(List.of(old), beside.dropped);
    }

    @Test
    void arrayOfFilesWithRequiredExpressions() {
        // filesarray_secondaryfiles and filesarray_secondaryfiles2: .dat and .dat2 only with require_dat
        CommandLineTool tool = Fixtures.conformance("docker-array-secondaryfiles.cwl");
        List<Object> fasta = new ArrayList<>();
        for (String name : List.of("ref.fasta", "ref2.fasta")) {
            fasta.add(map("class", "File", "path", "/in/" + name, "basename", name, "secondaryFiles",
                    List.of(map("class", "File", "path", "/in/" + name + ".fai", "basename", name + ".fai"))));
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("fasta_path", fasta);
        job.put("require_dat", null);
        assertEquals(job, JobInputs.secondaryFiles(tool, job, RUNTIME, new Recorder()));
        job.put("require_dat", true);
        CwlException e = assertThrows(CwlException.class,
                () -> JobInputs.secondaryFiles(tool, job, RUNTIME, new Recorder()));
        assertEquals(4, e.errors().size(), e.errors().toString());
        assertTrue(e.errors().get(0).startsWith("inputs.fasta_path[0]: missing secondary file '.dat' "),
                e.errors().get(0));
        assertTrue(e.errors().get(1).startsWith("inputs.fasta_path[0]: missing secondary file 'ref.fasta.dat2' "
                + "(pattern .dat2)"), e.errors().get(1));
    }

    @Test
    void badExpressionResultsAndRequiredValuesAreReported() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: {f: {type: File, secondaryFiles: ['${ return 42; }', '$(\"../up\")', "
                        + "{pattern: .z, required: '$(\"yes\")'}]}}",
                "outputs: []"));
        Map<String, Object> staged = new LinkedHashMap<>(Map.of("f",
                map("class", "File", "path", "/in/0/a", "basename", "a")));
        CwlException e = assertThrows(CwlException.class,
                () -> JobInputs.secondaryFiles(tool, staged, RUNTIME, new Recorder()));
        assertEquals(3, e.errors().size(), e.errors().toString());
        assertTrue(e.errors().get(0).contains("gave int 42; expected a file name, a File or Directory, null, or an array"),
                e.errors().get(0));
        assertTrue(e.errors().get(1).contains("gave the file name '../up'"), e.errors().get(1));
        assertTrue(e.errors().get(2).contains("secondaryFiles 'required' $(\"yes\") gave"), e.errors().get(2));
    }

    @Test
    void outputExpressionsGiveNamesAndRenamedFiles() throws IOException {
        // command_output_file_expression: secondary_file_test.accessory comes back as secondary_file_test.txt.accessory
        CommandLineTool tool = Fixtures.conformance("secondaryfiles/rename-outputs.cwl");
        Files.writeString(outdir.resolve("secondary_file_test.txt"), "");
        Files.writeString(outdir.resolve("secondary_file_test.accessory"), "a");
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        BuiltCommand cmd = CommandLineBuilder.build(tool, Map.of(), runtime);
        Map<?, ?> o = (Map<?, ?>) OutputCollector.collect(tool, outdir, Map.of(), runtime, cmd, 0).get("output_file");
        assertEquals(List.of(map("class", "File", "path", outdir.resolve("secondary_file_test.accessory").toString(),
                "basename", "secondary_file_test.txt.accessory")), o.get("secondaryFiles"));
    }

    @Test
    void outputExpressionsOfEveryKind() throws IOException {
        // the forms of initial_workdir_secondary_files_expr's index tool
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: {second: File}",
                "outputs: {o: {type: File, outputBinding: {glob: in.txt}, secondaryFiles: ['$(self.basename).i3', "
                        + "'${ return self.basename + \".i4\"; }', '$({\"path\": self.path + \".i5\", \"class\": \"File\"})', "
                        + "'$(self.nameroot).i6$(self.nameext)', '${ return [self.basename + \".i7\", inputs.second]; }', "
                        + "'${ return null; }', '$(self.basename).gone']}}"));
        Path work = Files.createDirectories(outdir.resolve("work"));
        for (String f : List.of("in.txt", "in.txt.i3", "in.txt.i4", "in.txt.i5", "in.i6.txt", "in.txt.i7")) {
            Files.writeString(work.resolve(f), "");
        }
        Path second = Files.writeString(Files.createDirectories(outdir.resolve("inputs")).resolve("hello.txt"), "hi");
        RuntimeContext runtime = new RuntimeContext(work.toString(), "/tmp/t", 1, 256);
        Map<String, Object> staged = Map.of("second", map("class", "File", "path", second.toString(),
                "basename", "hello.txt"));
        BuiltCommand cmd = CommandLineBuilder.build(tool, staged, runtime);
        Map<?, ?> o = (Map<?, ?>) OutputCollector.collect(tool, work, staged, runtime, cmd, 0).get("o");
        List<String> names = new ArrayList<>();
        for (Object s : (List<?>) o.get("secondaryFiles")) {
            names.add((String) ((Map<?, ?>) s).get("basename"));
        }
        // the optional one that is missing is left out; the run's own input File may be handed back
        assertEquals(List.of("in.txt.i3", "in.txt.i4", "in.txt.i5", "in.i6.txt", "in.txt.i7", "hello.txt"), names);
    }

    @Test
    void outputExpressionsCannotReachOutsideTheOutputDirectory() throws IOException {
        Path work = Files.createDirectories(outdir.resolve("w"));
        Files.writeString(work.resolve("o"), "");
        Files.writeString(outdir.resolve("secret"), "s");
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InlineJavascriptRequirement: {}}", "inputs: []",
                "outputs: {o: {type: File, outputBinding: {glob: o}, secondaryFiles: "
                        + "['$({\"class\": \"File\", \"path\": \"" + outdir.resolve("secret") + "\"})', "
                        + "{pattern: '$(\"missing\")', required: true}]}}"));
        RuntimeContext runtime = new RuntimeContext(work.toString(), "/tmp/t", 1, 256);
        CwlException e = assertThrows(CwlException.class, () -> OutputCollector.collect(tool, work, Map.of(), runtime,
                CommandLineBuilder.build(tool, Map.of(), runtime), 0));
        assertEquals(2, e.errors().size(), e.errors().toString());
        assertTrue(e.errors().get(0).contains("outside the output directory; refusing it"), e.errors().get(0));
        assertTrue(e.errors().get(1).contains("secondary file 'missing' (pattern $(\"missing\")) of 'o' is missing"),
                e.errors().get(1));
    }
}
