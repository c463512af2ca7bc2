package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JobInputsTest {

    private static final CommandLineTool TOOL = CwlParser.parseTool(tool(
            "inputs:",
            "  i: int",
            "  l: {type: 'long?'}",
            "  d: {type: double, default: 1.5}",
            "  s: {type: 'string?', default: dflt}",
            "  b: {type: 'boolean?'}",
            "  f: {type: 'File?'}",
            "  fs: {type: 'File[]?'}",
            "  a: {type: 'Any?'}",
            "outputs: []"));

    private static CwlException invalid(Map<String, Object> job) {
        CwlException e = assertThrows(CwlException.class, () -> JobInputs.resolve(TOOL, job));
        assertEquals(CwlException.Kind.INVALID, e.kind());
        return e;
    }

    @Test
    void appliesDefaultsAndNormalisesNumbers() {
        Map<String, Object> r = JobInputs.resolve(TOOL, map("i", 5, "l", new BigInteger("4147483647"), "b", false,
                "a", map("x", 1, "y", List.of(2.5f))));
        assertEquals(List.of("i", "l", "d", "s", "b", "f", "fs", "a"), new ArrayList<>(r.keySet()));
        assertEquals(5L, r.get("i"));
        assertEquals(4147483647L, r.get("l"));
        assertEquals(1.5, r.get("d"));
        assertEquals("dflt", r.get("s"));
        assertEquals(false, r.get("b"));
        assertNull(r.get("f"));
        assertTrue(r.containsKey("f"), "optional inputs are present as null");
        assertEquals(map("x", 1L, "y", List.of(2.5)), r.get("a"));
    }

    @Test
    void nullTakesTheDefaultAndIntegersAreFineForDoubles() {
        Map<String, Object> job = map("i", new BigDecimal("7"), "d", 5, "s", null);
        Map<String, Object> r = JobInputs.resolve(TOOL, job);
        assertEquals(7L, r.get("i"));
        assertEquals(5L, r.get("d"), "an integer given for a double keeps its integral form, as in cwltool");
        assertEquals("dflt", r.get("s"));
    }

    @Test
    void integersBeyond64BitsStayIntegralForDoubles() {
        CommandLineTool tool = CwlParser.parseTool(tool(
                "inputs:",
                "  big: {type: double, default: 1000000000000000000000000000000000000000000}",
                "  fl: {type: 'float[]', default: [2.5, 4]}",
                "outputs: []"));
        Map<String, Object> r = JobInputs.resolve(tool, map());
        assertEquals(new BigInteger("1000000000000000000000000000000000000000000"), r.get("big"));
        assertEquals(List.of(2.5, 4L), r.get("fl"));
        assertEquals("{\"big\": 1000000000000000000000000000000000000000000, \"fl\": [2.5, 4]}", CwlValues.toJson(r));
        Map<String, Object> fromJson = JobInputs.resolve(tool, map("big", new BigDecimal("4.2e42")));
        assertEquals(4.2e42, fromJson.get("big"), "a number with an exponent is a floating point number");
    }

    @Test
    void fileValuesAreCopiedAndChecked() {
        Map<String, Object> f = map("class", "File", "location", "file:///data/a.txt", "size", 3);
        Map<String, Object> literal = map("class", "File", "contents", "hello", "basename", "h.txt");
        Map<String, Object> r = JobInputs.resolve(TOOL, map("i", 1, "f", f, "fs", List.of(literal)));
        assertEquals(map("class", "File", "location", "file:///data/a.txt", "size", 3L), r.get("f"));
        assertEquals(List.of(literal), r.get("fs"));
        ((Map<String, Object>) r.get("f")).put("path", "/x");
        assertTrue(!f.containsKey("path"), "the job object is not modified");
    }

    @Test
    void singleErrorHasItsPath() {
        CwlException e = invalid(map("i", "abc"));
        assertEquals("inputs.i", e.path());
        assertEquals("expected int, got string \"abc\"", e.reason());
        assertEquals("expected int, got string \"abc\" (at inputs.i)", e.getMessage());
        assertEquals(List.of("inputs.i: expected int, got string \"abc\""), e.errors());
    }

    @Test
    void allErrorsAreCollected() {
        Map<String, Object> badFile = map("class", "File");
        CwlException e = invalid(map(
                "l", 1.5,
                "d", "2.0",
                "b", "true",
                "f", map("class", "Directory", "location", "x"),
                "fs", Arrays.asList(badFile, map("path", "/a"), null, map("class", "File", "path", 5)),
                "reeds", 1));
        assertEquals(List.of(
                "inputs.i: missing required input (type int)",
                "inputs.l: expected long?, got float 1.5",
                "inputs.d: expected double, got string \"2.0\"",
                "inputs.b: expected boolean?, got string \"true\"",
                "inputs.f: expected File?, got an object with class string \"Directory\"",
                "inputs.fs[0]: a File needs \"location\" or \"path\" (or \"contents\" for a file literal)",
                "inputs.fs[1]: expected File, got an object without \"class\": \"File\"",
                "inputs.fs[2]: expected File, got null",
                "inputs.fs[3].path: expected string, got int 5",
                "inputs.reeds: unknown input 'reeds'; the tool's inputs are: i, l, d, s, b, f, fs, a"), e.errors());
        assertNull(e.path());
        assertTrue(e.reason().startsWith("the job has 10 problems: inputs.i: missing required input (type int); "
                + "inputs.l: expected long?, got float 1.5;"), e.reason());
    }

    @Test
    void integerRanges() {
        CwlException big = invalid(map("i", 3_000_000_000L));
        assertEquals("3000000000 does not fit in 32 bits as required for int; declare the input as long",
                big.reason());
        assertEquals(2147483647L, JobInputs.resolve(TOOL, map("i", Integer.MAX_VALUE)).get("i"));
        assertEquals(-5L, JobInputs.resolve(TOOL, map("i", -5.0)).get("i"), "an integral double is an integer");
        CwlException huge = invalid(map("i", 1, "l", new BigInteger("99999999999999999999")));
        assertTrue(huge.reason().contains("does not fit in 64 bits"), huge.reason());
        assertEquals("expected int, got boolean true", invalid(map("i", true)).reason());
    }

    @Test
    void namespacedJobKeysAreIgnoredAndNullJobMeansEmpty() {
        assertEquals(1L, JobInputs.resolve(TOOL, map("i", 1, "cwl:tool", "x.cwl")).get("i"));
        CwlException e = assertThrows(CwlException.class, () -> JobInputs.resolve(TOOL, null));
        assertEquals("missing required input (type int)", e.reason());
        CommandLineTool none = CwlParser.parseTool(tool("inputs: []", "outputs: []"));
        assertEquals("unknown input 'x'; the tool has no inputs",
                assertThrows(CwlException.class, () -> JobInputs.resolve(none, map("x", 1))).reason());
    }

    @Test
    void arraysAreCheckedElementWise() {
        CommandLineTool t = CwlParser.parseTool(tool("inputs:", "  xs: 'int[]'", "  ys: {type: {type: array, "
                + "items: ['null', string]}}", "outputs: []"));
        Map<String, Object> r = JobInputs.resolve(t, map("xs", List.of(1, 2), "ys", Arrays.asList("a", null)));
        assertEquals(List.of(1L, 2L), r.get("xs"));
        assertEquals(Arrays.asList("a", null), r.get("ys"));
        CwlException e = assertThrows(CwlException.class,
                () -> JobInputs.resolve(t, map("xs", List.of(1, "2", 3.5), "ys", "a")));
        assertEquals(List.of("inputs.xs[1]: expected int, got string \"2\"", "inputs.xs[2]: expected int, got float 3.5",
                "inputs.ys: expected string?[], got string \"a\""), e.errors());
    }
}
