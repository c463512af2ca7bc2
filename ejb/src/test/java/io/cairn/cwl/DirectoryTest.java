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

/** The Directory type: inputs (literals with listings), command lines, and outputs from globs. */
class DirectoryTest {

    @TempDir
    Path outdir;

    private static final Map<String, Object> SUBDIR_JOB = Fixtures.json("""
            {"dir1": {"class": "Directory", "basename": "cwl", "listing": [
              {"class": "Directory", "basename": "subdir", "listing": [
                {"class": "File", "basename": "literal.txt", "contents": "I'm a File literal; howdy!"}]}]}}""");

    private Map<String, Object> collect(CommandLineTool tool, Map<String, Object> job) {
        RuntimeContext runtime = new RuntimeContext(outdir.toString(), "/tmp/t", 1, 256);
        Map<String, Object> inputs = Fixtures.stage(JobInputs.resolve(tool, job));
        BuiltCommand cmd = CommandLineBuilder.build(tool, inputs, runtime);
        return OutputCollector.collect(tool, outdir, inputs, runtime, cmd);
    }

    private void touch(String... names) throws IOException {
        for (String name : names) {
            Path p = outdir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, name);
        }
    }

    private Map<String, Object> file(String rel) {
        Path p = outdir.resolve(rel);
        return map("class", "File", "path", p.toString(), "basename", p.getFileName().toString());
    }

    private Map<String, Object> dir(String rel, Object... listing) {
        Path p = rel.isEmpty() ? outdir : outdir.resolve(rel);
        return map("class", "Directory", "path", p.toString(), "basename", p.getFileName().toString(),
                "listing", List.of(listing));
    }

    @Test
    void valueFromReachesIntoANestedListing() {
        // directory_literal_with_literal_file_in_subdir_nostdin
        BuiltCommand cmd = CommandLineBuilder.build(Fixtures.conformance("cat4-from-dir.cwl"),
                Fixtures.stage(JobInputs.resolve(Fixtures.conformance("cat4-from-dir.cwl"), SUBDIR_JOB)),
                Fixtures.RUNTIME);
        assertEquals(List.of("cat", "/staged/cwl/subdir/literal.txt"), cmd.argv());
        assertEquals("output.txt", cmd.stdoutFile());
    }

    @Test
    void stdinFromAListingEntry() {
        // stdin_from_directory_literal_with_literal_file
        CommandLineTool tool = Fixtures.conformance("cat-from-dir.cwl");
        Map<String, Object> job = Fixtures.json("""
                {"dir1": {"class": "Directory", "basename": "d", "listing": [
                  {"class": "File", "basename": "a.txt", "contents": "hello"}]}}""");
        BuiltCommand cmd = CommandLineBuilder.build(tool, Fixtures.stage(JobInputs.resolve(tool, job)),
                Fixtures.RUNTIME);
        assertEquals("/staged/d/a.txt", cmd.stdin());
    }

    @Test
    void directoryOnTheCommandLineIsItsPathAndBasenameWorks() {
        CommandLineTool tool = Fixtures.conformance("capture-dirs.cwl");
        Map<String, Object> job = Fixtures.json("""
                {"indir": {"class": "Directory", "basename": "testdir", "listing": []}}""");
        BuiltCommand cmd = CommandLineBuilder.build(tool, Fixtures.stage(JobInputs.resolve(tool, job)),
                Fixtures.RUNTIME);
        assertEquals(List.of("cp", "-r", "/staged/testdir", "/out"), cmd.argv());
    }

    @Test
    void jobValuesAreChecked() {
        CommandLineTool tool = Fixtures.conformance("cat-from-dir.cwl");
        CwlException notADir = assertThrows(CwlException.class, () -> JobInputs.resolve(tool,
                Fixtures.json("{\"dir1\": {\"class\": \"File\", \"location\": \"x\"}}")));
        assertTrue(notADir.getMessage().contains("expected Directory, got an object with class string \"File\""),
                notADir.getMessage());
        CwlException badEntry = assertThrows(CwlException.class, () -> JobInputs.resolve(tool,
                Fixtures.json("{\"dir1\": {\"class\": \"Directory\", \"listing\": [42]}}")));
        assertTrue(badEntry.getMessage().contains("inputs.dir1.listing[0]: expected a File or a Directory"),
                badEntry.getMessage());
        CwlException empty = assertThrows(CwlException.class, () -> JobInputs.resolve(tool,
                Fixtures.json("{\"dir1\": {\"class\": \"Directory\"}}")));
        assertTrue(empty.getMessage().contains("a Directory needs \"location\" or \"path\""), empty.getMessage());
    }

    @Test
    void globDotIsTheOutputDirectoryWithItsListing() throws IOException {
        // directory_output: glob '.' after tar xvf
        touch("hello.txt", "goodbye.txt");
        Map<String, Object> out = collect(Fixtures.conformance("dir3.cwl"),
                Fixtures.json("{\"inf\": {\"class\": \"File\", \"location\": \"hello.tar\"}}"));
        assertEquals(dir("", file("goodbye.txt"), file("hello.txt")), out.get("outdir"));
    }

    @Test
    void runtimeOutdirGlobListsSubdirectories() throws IOException {
        // runtime-outdir
        touch("baz.txt", "foo/bar.txt");
        Map<String, Object> out = collect(Fixtures.conformance("runtime-outdir.cwl"), Map.of());
        assertEquals(dir("", file("baz.txt"), dir("foo", file("foo/bar.txt"))), out.get("stuff"));
    }

    @Test
    void directoryArrayFromAPattern() throws IOException {
        // outputbinding_glob_directory
        for (String d : List.of("c_dir", "a_dir", "b_dir", "d_dir")) {
            Files.createDirectories(outdir.resolve(d));
        }
        Map<String, Object> out = collect(Fixtures.conformance("glob_directory.cwl"), Map.of());
        assertEquals(List.of(dir("a_dir"), dir("b_dir"), dir("c_dir")), out.get("directories"));
    }

    @Test
    void filesAndDirectoriesMustMatchTheDeclaredType() throws IOException {
        // capture_files and capture_dirs are expected to fail: testdir holds a, b and the folder c
        touch("testdir/a", "testdir/b", "testdir/c/d");
        Map<String, Object> job = Fixtures.json("""
                {"indir": {"class": "Directory", "basename": "testdir", "listing": []}}""");
        CwlException files = assertThrows(CwlException.class,
                () -> collect(Fixtures.conformance("capture-files.cwl"), job));
        assertTrue(files.getMessage().contains("expects files, but 'testdir/c' is a directory"), files.getMessage());
        CwlException dirs = assertThrows(CwlException.class,
                () -> collect(Fixtures.conformance("capture-dirs.cwl"), job));
        assertTrue(dirs.getMessage().contains("expects directories, but 'testdir/a' is a file"), dirs.getMessage());
    }

    @Test
    void directoryListingRefusesLinksLeavingTheOutputDirectory(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(outdir.resolve("d"));
        Files.writeString(elsewhere.resolve("secret"), "s");
        Files.createSymbolicLink(outdir.resolve("d/leak"), elsewhere.resolve("secret"));
        CwlException e = assertThrows(CwlException.class, () -> collect(CwlParser.parseTool(tool(
                "baseCommand: x", "inputs: []", "outputs: {d: {type: Directory, outputBinding: {glob: d}}}")),
                Map.of()));
        assertTrue(e.getMessage().contains("'d/leak' resolves to"), e.getMessage());
    }

    @Test
    void directoryFromCwlOutputJson() throws IOException {
        touch("res/x.txt");
        Files.writeString(outdir.resolve("cwl.output.json"),
                "{\"r\": {\"class\": \"Directory\", \"location\": \"res\"}}");
        Map<String, Object> out = collect(CwlParser.parseTool(tool(
                "baseCommand: x", "inputs: []", "outputs: {r: Directory}")), Map.of());
        assertEquals(dir("res", file("res/x.txt")), out.get("r"));
    }

    @Test
    void loadListingCutsOnlyListingsReadFromDisk() {
        String loaded = JobInputs.LISTING_LOADED;
        Map<String, Object> inner = map("class", "Directory", "basename", "c", "listing", List.of(), loaded, true);
        Map<String, Object> disk = map("class", "Directory", "basename", "d", loaded, true, "listing",
                List.of(map("class", "File", "basename", "a"), inner));
        Map<String, Object> written = map("class", "Directory", "basename", "w", "listing", List.of());
        assertEquals(map("class", "Directory", "basename", "d"), CommandLineBuilder.listing(disk, "no_listing", false));
        assertEquals(map("class", "Directory", "basename", "d", "listing", List.of(map("class", "File", "basename", "a"),
                map("class", "Directory", "basename", "c"))), CommandLineBuilder.listing(disk, "shallow_listing", false));
        assertEquals(map("class", "Directory", "basename", "d", "listing", List.of(map("class", "File", "basename", "a"),
                map("class", "Directory", "basename", "c", "listing", List.of()))),
                CommandLineBuilder.listing(disk, "deep_listing", false));
        assertEquals(written, CommandLineBuilder.listing(written, "no_listing", false));
        assertEquals("no_listing", Fixtures.conformance("listing_none1.cwl").loadListing("d"));
        assertEquals("shallow_listing", Fixtures.conformance("listing_shallow1.cwl").loadListing("d"));
    }
}
