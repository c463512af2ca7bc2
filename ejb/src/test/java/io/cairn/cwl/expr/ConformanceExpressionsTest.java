package io.cairn.cwl.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Expressions taken from the tools of the CWL v1.2 conformance suite (file named with each case),
 * with inputs like those of their jobs, and the values the tests expect.
 */
class ConformanceExpressionsTest {

    private final Expressions js = Expressions.create(List.of(), null);

    private static Map<String, Object> ctx(Map<String, Object> inputs, Object self) {
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("cores", 2);
        runtime.put("ram", 1000);
        runtime.put("outdir", "/out");
        runtime.put("tmpdir", "/tmp");
        Map<String, Object> c = new HashMap<>();
        c.put("inputs", inputs);
        c.put("self", self);
        c.put("runtime", runtime);
        return c;
    }

    private static Map<String, Object> file(String path, String contents) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("class", "File");
        f.put("path", path);
        f.put("basename", path.substring(path.lastIndexOf('/') + 1));
        f.put("nameroot", "whale");
        f.put("nameext", ".txt");
        f.put("contents", contents);
        return f;
    }

    @Test
    void expressionsFromTheSuite() {
        // parseInt-tool.cwl
        assertEquals(Map.of("output", 42), js.interpolate("$({'output': parseInt(inputs.file1.contents)})",
                ctx(Map.of("file1", file("/d/number.txt", "42\n")), null)));
        // count-lines1-wf / parseInt: self[0].contents
        assertEquals(16, js.interpolate("$(parseInt(self[0].contents))",
                ctx(Map.of(), List.of(file("/d/out.txt", "16\n")))));
        // float output: ${\n return parseFloat(self[0].contents);\n}
        assertEquals(3.5, js.interpolate("${\n    return parseFloat(self[0].contents);\n}",
                ctx(Map.of(), List.of(file("/d/out.txt", "3.5")))));
        // sum-wf / step-valuefrom: $(self[0] + self[1])
        assertEquals(7, js.interpolate("$(self[0] + self[1])", ctx(Map.of(), List.of(3, 4))));
        // null-expression*-tool.cwl
        assertEquals(Map.of("output", 1), js.interpolate("$({'output': (inputs.i1 == 'the-default' ? 1 : 2)})",
                ctx(Map.of("i1", "the-default"), null)));
        assertEquals(Map.of("output", 2), js.interpolate("$({'output': (inputs.i1 == 'the-default' ? 1 : 2)})",
                ctx(Map.of("i1", "other"), null)));
        // scatter-valuefrom / io-int: ${return {'o': inputs.i * 2}}
        assertEquals(Map.of("o", 8), js.interpolate("${return {'o': inputs.i * 2};}", ctx(Map.of("i", 4), null)));
        // io-int-default: ${return {'o': (inputs.i || 2) * 2};}
        Map<String, Object> noI = new HashMap<>();
        noI.put("i", null);
        assertEquals(Map.of("o", 4), js.interpolate("${return {'o': (inputs.i || 2) * 2};}", ctx(noI, null)));
        // io-any / io-file-or-files: ${return {'o': (inputs.i.class || inputs.i)};}
        assertEquals(Map.of("o", 5), js.interpolate("${return {'o': (inputs.i.class || inputs.i)};}",
                ctx(Map.of("i", 5), null)));
        // step-valuefrom / io-int-wf: map and reduce
        assertEquals(Map.of("o", List.of(4, 6, 8)), js.interpolate(
                "${return {'o': inputs.i.map(function(x) { return (x + 1) * 2; })};}", ctx(Map.of("i", List.of(1, 2, 3)), null)));
        assertEquals(Map.of("o", 6), js.interpolate("${return {'o': inputs.i.reduce(function(a, b) { return a + b; })};}",
                ctx(Map.of("i", List.of(1, 2, 3)), null)));
        // scatter-valuefrom-wf: Array.apply(null, {length: n}) needs ES5's "null this is the global object"
        assertEquals(Map.of("o", List.of(0, 1, 2)), js.interpolate(
                "${return {'o': Array.apply(null, {length: inputs.i}).map(Number.call, Number)};}",
                ctx(Map.of("i", 3), null)));
        // io-file-default / split of contents
        assertEquals(Map.of("o", List.of("a", "b", "c")), js.interpolate(
                "${return {'o': inputs.i.contents.split(\" \")};}", ctx(Map.of("i", file("/d/f", "a b c")), null)));
        // dir4 / listing checks
        Map<String, Object> dir = Map.of("class", "Directory", "listing", List.of(Map.of("class", "Directory")));
        assertEquals(true, js.interpolate("$(inputs.d.listing.length === 1 && inputs.d.listing[0].listing === undefined)",
                ctx(Map.of("d", dir), null)));
        // secondaryfiles: ${ return self.basename+".idx4"; } and $({"path": self.path+".idx5", "class": "File"})
        Map<String, Object> whale = file("/d/whale.txt", null);
        assertEquals("whale.txt.idx4", js.interpolate("${ return self.basename+\".idx4\"; }", ctx(Map.of(), whale)));
        assertEquals(Map.of("path", "/d/whale.txt.idx5", "class", "File"),
                js.interpolate("$({\"path\": self.path+\".idx5\", \"class\": \"File\"})", ctx(Map.of(), whale)));
        // js-quote.cwl: ${return 'quote "' + inputs.quote + '"'} followed by a newline (an InitialWorkDir entry)
        assertEquals("quote \"Hello\"", js.interpolate("${return 'quote \"' + inputs.quote + '\"'}\n",
                ctx(Map.of("quote", "Hello"), null)), "a lone expression with a newline after it is that expression");
        // ... but as file contents (the test expects 14 bytes) the newline counts
        assertEquals("quote \"Hello\"\n", js.interpolateVerbatim("${return 'quote \"' + inputs.quote + '\"'}\n",
                ctx(Map.of("quote", "Hello"), null)));
        assertEquals(Map.of("a", 1), js.interpolateVerbatim("$({a: 1})", ctx(Map.of(), null)));
        assertEquals(" {\"a\": 1}", js.interpolateVerbatim(" $({a: 1})", ctx(Map.of(), null)));
        // runtime: $(runtime.cores), and the string form in arguments
        assertEquals(2, js.interpolate("$(runtime.cores)", ctx(Map.of(), null)));
        assertEquals("/foo/bar/baz", js.interpolate("$(\"/foo/bar/baz\".split('/').join('/'))", ctx(Map.of(), null)));
        // js-expr-req-wf.cwl: expressionLib function
        Expressions lib = Expressions.create(List.of("function foo() { return 2; }"), null);
        assertEquals(2, lib.interpolate("$(foo())", ctx(Map.of(), null)));
    }

    /** template-tool.cwl: underscore.js from the suite as an expressionLib entry, and its _.template. */
    @Test
    void underscoreTemplateFromTheSuite() throws IOException {
        Path suite = Path.of(System.getProperty("cairn.cwl.suite", "../../shared/cwl-v1.2/tests"));
        Path underscore = suite.resolve("underscore.js");
        Assumptions.assumeTrue(Files.isRegularFile(underscore), "no " + underscore);
        Expressions lib = Expressions.create(Arrays.asList(Files.readString(underscore),
                "var t = function(s) { return _.template(s, {variable: 'data'})({'inputs': inputs}); };"), null);
        Object got = lib.interpolate(
                "$(t(\"The file is <%= data.inputs.file1.path.split('/').slice(-1)[0] %>\\n\"))",
                ctx(Map.of("file1", file("/data/whale.txt", null)), null));
        assertEquals("The file is whale.txt\n", got);
    }
}
