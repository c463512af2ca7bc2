package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.RUNTIME;
import static io.cairn.cwl.Fixtures.conformance;
import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class InitialWorkDirTest {

    private static final Map<String, Object> FILE = map("class", "File", "path", "/tmp/job/inputs/0/whale.txt",
            "basename", "whale.txt");

    private static List<InitialWorkDir.Entry> entries(CommandLineTool tool, Map<String, Object> inputs) {
        return InitialWorkDir.evaluate(tool, JobInputs.resolve(tool, inputs), RUNTIME);
    }

    @Test
    void filesDirentsAndTextInListingOrder() {
        CommandLineTool tool = CwlParser.parseTool(tool(
                "requirements:",
                "  InitialWorkDirRequirement:",
                "    listing:",
                "      - $(inputs.f)",
                "      - {entryname: renamed/$(inputs.f.basename), entry: $(inputs.f), writable: true}",
                "      - {entryname: note.txt, entry: 'size $(inputs.n)'}",
                "      - $(inputs.none)",
                "inputs: {f: File, n: int, none: 'File?'}",
                "outputs: []",
                "baseCommand: 'true'"));
        List<InitialWorkDir.Entry> e = entries(tool, map("f", FILE, "n", 3));
        assertEquals(List.of("whale.txt", "renamed/whale.txt", "note.txt"),
                e.stream().map(InitialWorkDir.Entry::name).toList());
        assertEquals("/tmp/job/inputs/0/whale.txt", e.get(0).object().get("path"));
        assertTrue(e.get(1).writable());
        assertNull(e.get(2).object());
        assertEquals("size 3", e.get(2).contents());
    }

    @Test
    void nonStringValuesAreWrittenAsJsonKeepingTheWhitespace() {
        CommandLineTool tool = CwlParser.parseTool(tool(
                "requirements:",
                "  InlineJavascriptRequirement: {}",
                "  InitialWorkDirRequirement:",
                "    listing:",
                "      - {entryname: a.json, entry: '${return {b: [1, 2.5], a: \"x\"};}'}",
                "      - entryname: n.json",
                "        entry: |",
                "          ${return 44.4;}",
                "      - entryname: f.json",
                "        entry: |",
                "          $(inputs.f)",
                "inputs: {f: File}",
                "outputs: []",
                "baseCommand: 'true'"));
        List<InitialWorkDir.Entry> e = entries(tool, map("f", FILE));
        assertEquals("{\"a\": \"x\", \"b\": [1, 2.5]}", e.get(0).contents());
        assertEquals("44.4\n", e.get(1).contents());
        assertTrue(e.get(2).contents().startsWith("{\"basename\": \"whale.txt\""), e.get(2).contents());
        assertTrue(e.get(2).contents().endsWith("}\n"), "an expression with a newline after it is text");
    }

    @Test
    void namesStayInsideTheOutputFolder() {
        assertEquals("a/b.txt", InitialWorkDir.name("./a//b.txt", RUNTIME, "x"));
        assertEquals("sub/c.txt", InitialWorkDir.name("/out/sub/c.txt", RUNTIME, "x"));
        for (String bad : List.of("../escape.txt", "a/../../escape", "/etc/passwd", "/out", ".", "/outside/x")) {
            CwlException e = assertThrows(CwlException.class, () -> InitialWorkDir.name(bad, RUNTIME, "x"), bad);
            assertEquals(CwlException.Kind.INVALID, e.kind());
        }
        CommandLineTool hinted = conformance("iwd/iwd-container-entryname2.cwl");
        CwlException e = assertThrows(CwlException.class, () -> entries(hinted, map("filelist", FILE)));
        assertTrue(e.reason().contains("CWL allows that only for a tool that requires DockerRequirement"), e.reason());
        CommandLineTool onlyHinted = conformance("iwd/iwd-container-entryname3.cwl");
        e = assertThrows(CwlException.class, () -> entries(onlyHinted, map("filelist", FILE)));
        assertTrue(e.reason().contains("CWL allows that only for a tool that requires DockerRequirement"), e.reason());
        CommandLineTool escaping = conformance("iwd/iwd-container-entryname4.cwl");
        e = assertThrows(CwlException.class, () -> entries(escaping, map("filelist", FILE)));
        assertTrue(e.reason().contains("does not name a file inside the output folder"), e.reason());
    }

    @Test
    void aToolThatRequiresItsContainerMayNameAbsolutePathsInIt() {
        CommandLineTool container = conformance("iwd/iwd-container-entryname1.cwl");
        List<InitialWorkDir.Entry> e = entries(container, map("filelist", FILE));
        assertEquals(1, e.size());
        assertEquals("/tmp2j3y7rpb/input/stuff.txt", e.get(0).name());
        assertTrue(e.get(0).inContainer());
        assertEquals("stuff.txt", e.get(0).object().get("basename"));
        assertEquals("/tmp/job/inputs/0/whale.txt", e.get(0).object().get("path"));
        // normalized; under runtime.outdir it is a name in the output folder as before; the root is no file
        assertEquals("/a/c.txt", InitialWorkDir.name("/a/b/../c.txt", RUNTIME, "x", true));
        assertEquals("sub/c.txt", InitialWorkDir.name("/out/sub/c.txt", RUNTIME, "x", true));
        assertTrue(!new InitialWorkDir.Entry("sub/c.txt", null, "", false).inContainer());
        for (String bad : List.of("/", "/out", "/..", "../x")) {
            assertThrows(CwlException.class, () -> InitialWorkDir.name(bad, RUNTIME, "x", true), bad);
        }
    }

    @Test
    void stagedPathsMoveIntoTheWorkFolder() {
        Map<String, Object> dir = map("class", "Directory", "path", "/tmp/job/inputs/1/d", "listing",
                List.of(map("class", "File", "path", "/tmp/job/inputs/1/d/x.txt")));
        Object moved = InitialWorkDir.relocate(map("f", FILE, "d", dir, "n", 1),
                Map.of("/tmp/job/inputs/0/whale.txt", "/out/whale.txt", "/tmp/job/inputs/1/d", "/out/d"));
        assertEquals(map("f", map("class", "File", "path", "/out/whale.txt", "basename", "whale.txt"),
                "d", map("class", "Directory", "path", "/out/d", "listing",
                        List.of(map("class", "File", "path", "/out/d/x.txt"))), "n", 1), moved);
    }

    @Test
    void aStringFromAnExpressionKeepsTheWhitespaceAroundIt() {
        // escaping_expression_no_extra_quotes: entry "${return 'quote "' + inputs.quote + '"'}\n"
        List<InitialWorkDir.Entry> e = entries(conformance("string-interpolation/js-quote.cwl"), Map.of());
        assertEquals("file.txt", e.get(0).name());
        assertEquals("quote \"Hello\"\n", e.get(0).contents());
        assertEquals("set -xe\ncat file.txt\n", e.get(1).contents());
    }
}
