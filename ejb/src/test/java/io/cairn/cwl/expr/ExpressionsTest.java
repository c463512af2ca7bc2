package io.cairn.cwl.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Interpolation rules, value types, expressionLib, and error messages. */
class ExpressionsTest {

    private final Expressions js = Expressions.create(List.of(), Duration.ofSeconds(5));

    private static Map<String, Object> context() {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("class", "File");
        file.put("path", "/data/reads.fastq");
        file.put("basename", "reads.fastq");
        file.put("size", 1234);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("name", "world");
        inputs.put("n", 3);
        inputs.put("ratio", 2.5);
        inputs.put("whole", 4.0);
        inputs.put("big", 12_345_678_901L);
        inputs.put("flag", true);
        inputs.put("nothing", null);
        inputs.put("list", List.of(1, 2, 3));
        inputs.put("file", file);
        inputs.put("a b", "spaced");
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("cores", 2);
        runtime.put("ram", 1024);
        runtime.put("outdir", "/out");
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("inputs", inputs);
        ctx.put("self", List.of("x", "y"));
        ctx.put("runtime", runtime);
        return ctx;
    }

    private Object eval(String text) {
        return js.interpolate(text, context());
    }

    @Test
    void aWholeExpressionKeepsItsType() {
        assertEquals(3, eval("$(1+2)"));
        assertEquals(Integer.class, eval("$(1+2)").getClass());
        assertEquals(2.5, eval("$(inputs.ratio)"));
        assertEquals(Boolean.TRUE, eval("$(inputs.n > 2)"));
        assertEquals(List.of(2, 4, 6), eval("$(inputs.list.map(function(x){ return x * 2; }))"));
        assertEquals(Map.of("a", 1, "b", List.of("x")), eval("$({a: 1, b: ['x']})"));
        assertNull(eval("$(null)"));
        assertNull(eval("$(inputs.nothing)"));
        assertEquals("world", eval("  $(inputs.name)\n"), "whitespace around a lone expression is not text");
    }

    @Test
    void wholeNumbersComeBackAsIntegerOrLong() {
        assertEquals(Integer.valueOf(4), eval("$(inputs.whole)"));
        assertEquals(Integer.valueOf(4), eval("$(inputs.whole * 1)"));
        assertEquals(Integer.valueOf(3), eval("$(6 / 2)"));
        assertEquals(Double.valueOf(1.5), eval("$(3 / 2)"));
        assertEquals(Long.valueOf(12_345_678_901L), eval("$(inputs.big)"));
        assertEquals(Long.valueOf(12_345_678_902L), eval("$(inputs.big + 1)"));
        assertEquals(Long.valueOf(1L << 40), eval("$(Math.pow(2, 40))"));
        assertEquals(List.of(1, 2.5), eval("$([1.0, 2.5])"));
        assertNull(eval("$(0/0)"), "NaN has no JSON form");
        assertNull(eval("$(1/0)"), "Infinity has no JSON form");
        assertEquals("n=3 r=2.5 w=4 tiny=0.00001", eval("n=$(inputs.n) r=$(inputs.ratio) w=$(inputs.whole) tiny=$(1e-5)"));
    }

    @Test
    void severalExpressionsConcatenateWithJsonForObjects() {
        assertEquals("hello world!", eval("hello $(inputs.name)!"));
        assertEquals("3-true-null", eval("$(inputs.n)-$(inputs.flag)-$(inputs.nothing)"));
        assertEquals("list=[1, 2, 3] obj={\"a\": 1, \"b\": \"x\"}",
                eval("list=$(inputs.list) obj=$({b: 'x', a: 1})"), "JSON with sorted keys, as the reference runner");
        assertEquals("[\"x\", \"y\"]/2", eval("$(self)/$(self.length)"));
        assertEquals(" world ", eval(" $(inputs.name) ${return ''}"));
    }

    @Test
    void stringsWithoutExpressionsAreTakenLiterally() {
        assertEquals("plain \\ text $ and \\$x", eval("plain \\ text $ and \\$x"));
        assertEquals("cost: $5 (approx.)", eval("cost: $5 (approx.)"));
    }

    @Test
    void escapes() {
        assertEquals("$(inputs.name)", eval("\\$(inputs.name)"));
        assertEquals("${return 1}", eval("\\${return 1}"));
        assertEquals("\\world", eval("\\\\$(inputs.name)"), "an escaped backslash, then an expression");
        assertEquals("\\$(inputs.name)", eval("\\\\\\$(inputs.name)"));
        assertEquals("\\x world", eval("\\x $(inputs.name)"), "a backslash before anything else stays");
        assertEquals("$$ world", eval("$$ $(inputs.name)"));
        assertFalse(Expressions.containsExpression("\\$(inputs.x) and \\${x}"));
        assertTrue(Expressions.containsExpression("\\\\$(inputs.x)"));
        assertTrue(Expressions.containsExpression("a ${return 1} b"));
        assertFalse(Expressions.containsExpression("$ (x) {y}"));
        assertFalse(Expressions.containsExpression(null));
    }

    /** The expected escaping of the conformance test string-interpolation/bash-dollar-quote.cwl. */
    @Test
    void escapesAsInTheBashDollarQuoteConformanceTest() {
        String[][] cases = {
            {"'$(inputs.val)'", "'val'"},
            {"'\\$(inputs.val)'", "'$(inputs.val)'"},
            {"'\\\\$(inputs.val)'", "'\\val'"},
            {"'\\\\\\$(inputs.val)'", "'\\$(inputs.val)'"},
            {"'\\\\\\\\$(inputs.val)'", "'\\\\val'"},
            {"'\\\\\\\\\\$(inputs.val)'", "'\\\\$(inputs.val)'"},
            {"'\\' $()", "'\\' "},
            {"'\\\\' $()", "'\\' "},
            {"'\\\\\\' $()", "'\\\\' "},
            {"'\\$' $()", "'\\$' "},
            {"'\\\\$' $()", "'\\$' "},
            {"'$$$' $()", "'$$$' "},
        };
        Map<String, Object> ctx = Map.of("inputs", Map.of("val", "val"));
        for (String[] c : cases) {
            Object got = js.interpolate(c[0].replace("$()", "$(\"\")"), ctx);
            assertEquals(c[1], got, "interpolating " + c[0]);
        }
    }

    @Test
    void bracketsInsideStringsAndNestedBrackets() {
        assertEquals("a)b", eval("$('a)b')"));
        assertEquals("(x)", eval("$(\"(\" + 'x' + \")\")"));
        assertEquals(7, eval("$((1 + (2 * 3)))"));
        assertEquals("}", eval("${ return '}'; }"));
        assertEquals(Map.of("k", Map.of("v", 1)), eval("${ var o = {k: {v: 1}}; return o; }"));
        assertEquals("it's \"q\"", eval("$('it\\'s \"q\"')"));
        assertEquals("[x] {y}", eval("$('[x]') $(\"{y}\")"));
        assertEquals("spaced", eval("$(inputs['a b'])"));
        assertEquals(3, eval("$(inputs.list.length) // trailing".substring(0, 21)));
        assertEquals(3, eval("$(inputs.list.length // a comment ends the line\n)"));
    }

    @Test
    void bodiesReturnTheirValue() {
        assertEquals(6, eval("${ var s = 0; for (var i = 0; i < inputs.list.length; i++) { s += inputs.list[i]; } return s; }"));
        assertNull(eval("${ }"), "a body without return is null");
        assertNull(eval("${ return undefined; }"));
        assertNull(eval("$(undefined)"));
        assertNull(eval("$(inputs.missing)"), "a missing input is undefined, that is null");
        assertEquals("x", eval("${ return this.self[0]; }"), "this is the expression's global scope");
        assertEquals(Map.of("a", 1), eval("${ return {a: 1, f: function(){}, u: undefined}; }"),
                "functions and undefined are left out, as JSON.stringify does");
        assertEquals(java.util.Arrays.asList(1, null), eval("$([1, function(){}])"));
        assertEquals("boxed", eval("$(new String('boxed'))"));
        // A known difference (docs/adr/0005): strict code also gets the global object, not undefined.
        assertEquals(List.of(true, "object"), eval("${ return [(function(){ return this; }).call(null) === this,"
                + " typeof (function(){ 'use strict'; return this; })()]; }"), "ES5 this for null");
        assertEquals("1970-01-01T00:00:00.000Z", eval("$(new Date(0))"), "toJSON is honoured");
    }

    @Test
    void ecmaScript51BuiltIns() {
        assertEquals(List.of("a", "b"), eval("$(Object.keys({a: 1, b: 2}))"));
        assertEquals("{\"x\":[1,2]}", eval("$(JSON.stringify({x: [1, 2]}))"));
        assertEquals(Map.of("y", 1), eval("$(JSON.parse('{\"y\": 1}'))"));
        assertEquals(true, eval("$(Array.isArray(inputs.list))"));
        assertEquals("trim", eval("$('  trim  '.trim())"));
        assertEquals(5, eval("$((function(a, b) { return a + b; }).bind(null, 2)(3))"));
        assertEquals(List.of(2, 3), eval("$(inputs.list.filter(function(x) { return x > 1; }))"));
        assertEquals(6, eval("$(inputs.list.reduce(function(a, b) { return a + b; }, 0))"));
        assertEquals("reads", eval("$(inputs.file.basename.replace(/\\.fastq$/, ''))"));
        assertEquals("2", eval("$((2).toFixed(0))"));
        assertEquals(List.of("a", "b"), eval("$('a,b'.split(','))"));
        assertEquals(true, eval("$(Object.getOwnPropertyNames(Object.freeze({k: 1})).length === 1)"));
    }

    @Test
    void plainReferencesGiveTheSameValuesAsTheEngine() {
        String[] refs = {"inputs.name", "inputs['name']", "inputs[\"a b\"]", "self[0]", "self[1]", "self.length",
            "runtime.cores", "inputs.file.size", "inputs.file.path", "inputs.list[2]", "inputs.list.length",
            "inputs.name.length", "inputs.name[0]", "inputs.whole", "inputs.big", "inputs.nothing", "inputs.flag",
            "inputs.file", "inputs.list", "inputs.missing", "self[5]", "inputs.list.foo"};
        for (String ref : refs) {
            Object fast = eval("$(" + ref + ")");
            Object slow = eval("$((" + ref + "))"); // the extra parentheses force the engine
            assertEquals(slow, fast, ref);
            if (slow != null) {
                assertEquals(slow.getClass(), fast.getClass(), ref);
            }
        }
    }

    @Test
    void theCallersValuesAreNeverChanged() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>(List.of(1, 2));
        inputs.put("list", list);
        Map<String, Object> ctx = Map.of("inputs", inputs);
        assertEquals(3, js.interpolate("${ inputs.list.push(9); inputs.extra = 1; return inputs.list.length; }", ctx));
        assertEquals(List.of(1, 2), list);
        assertEquals(1, inputs.size());
        Object got = js.interpolate("$(inputs.list)", ctx);
        assertInstanceOf(List.class, got);
        ((List<Object>) got).add(5);
        assertEquals(List.of(1, 2), list, "a reference hands out a copy");
    }

    @Test
    void expressionLibDefinesFunctionsForEveryExpression() {
        Expressions lib = Expressions.create(List.of(
                "function twice(x) { return 2 * x; }",
                "var greeting = function() { return 'hello ' + inputs.name; };"), null);
        Map<String, Object> ctx = context();
        assertEquals(6, lib.interpolate("$(twice(inputs.n))", ctx));
        assertEquals("hello world", lib.interpolate("$(greeting())", ctx), "library functions see inputs");
        assertEquals("6 hello world", lib.interpolate("$(twice(3)) ${ return greeting(); }", ctx));
        assertEquals("world", lib.interpolate("$(inputs.name)", ctx), "references still work with a library");
        assertEquals(Expressions.DEFAULT_TIME_LIMIT, lib.timeLimit());
    }

    @Test
    void globalsDoNotLeakFromOneEvaluationToTheNext() {
        Expressions lib = Expressions.create(List.of("var counter = 0;"), null);
        Map<String, Object> ctx = context();
        assertEquals(1, lib.interpolate("${ counter++; leaked = 42; return counter; }", ctx));
        assertEquals(1, lib.interpolate("${ counter++; return counter; }", ctx));
        assertEquals("undefined", lib.interpolate("$(typeof leaked)", ctx));
        assertEquals(1, lib.interpolate("${ Array.prototype.evil = 1; return [].evil; }", ctx));
        assertEquals("undefined", lib.interpolate("$(typeof [].evil)", ctx));
    }

    @Test
    void errorsSayWhichExpressionAndWhy() {
        ExpressionException syntax = assertThrows(ExpressionException.class, () -> eval("x $(1 +) y"));
        assertTrue(syntax.getMessage().startsWith("expression $(1 +) has a syntax error"), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("at the end"), syntax.getMessage());
        assertEquals("$(1 +)", syntax.expression());
        ExpressionException syntax2 = assertThrows(ExpressionException.class, () -> eval("${ var x = 1;\n x = = 2; }"));
        assertTrue(syntax2.getMessage().startsWith("expression ${ var x = 1;\\n x = = 2; } has a syntax error"),
                syntax2.getMessage());
        assertTrue(syntax2.getMessage().contains("(line 2"), syntax2.getMessage());

        ExpressionException thrown = assertThrows(ExpressionException.class,
                () -> eval("${ throw new Error('no reads in ' + inputs.file.basename); }"));
        assertEquals("expression ${ throw new Error('no reads in ' + inputs.file.basename); } failed: "
                + "threw Error: no reads in reads.fastq (line 1)", thrown.getMessage());

        ExpressionException string = assertThrows(ExpressionException.class, () -> eval("${ throw 'plain'; }"));
        assertTrue(string.getMessage().endsWith("failed: threw plain (line 1)"), string.getMessage());

        ExpressionException type = assertThrows(ExpressionException.class, () -> eval("$(inputs.missing.field)"));
        assertTrue(type.getMessage().startsWith("expression $(inputs.missing.field) failed: TypeError: "),
                type.getMessage());
        assertTrue(type.getMessage().contains("field"), type.getMessage());

        ExpressionException ref = assertThrows(ExpressionException.class, () -> eval("$(nosuch + 1)"));
        assertTrue(ref.getMessage().contains("ReferenceError") && ref.getMessage().contains("nosuch"),
                ref.getMessage());

        ExpressionException unterminated = assertThrows(ExpressionException.class, () -> eval("a $(inputs.name b"));
        assertTrue(unterminated.getMessage().startsWith("unterminated expression $(inputs.name b at position 2"),
                unterminated.getMessage());
        ExpressionException quote = assertThrows(ExpressionException.class, () -> eval("$('abc)"));
        assertTrue(quote.getMessage().contains("string literal"), quote.getMessage());

        ExpressionException fn = assertThrows(ExpressionException.class, () -> eval("$(Math.max)"));
        assertTrue(fn.getMessage().contains("gives a function"), fn.getMessage());

        ExpressionException cycle = assertThrows(ExpressionException.class, () -> eval("${ var o = {}; o.o = o; return o; }"));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());

        ExpressionException libSyntax = assertThrows(ExpressionException.class,
                () -> Expressions.create(List.of("function ok() {}", "function broken( {"), null));
        assertTrue(libSyntax.getMessage().startsWith("expressionLib[1] has a syntax error"), libSyntax.getMessage());

        Expressions failingLib = Expressions.create(List.of("var x = undefinedThing.y;"), null);
        ExpressionException libRun = assertThrows(ExpressionException.class,
                () -> failingLib.interpolate("$(1)", context()));
        assertTrue(libRun.getMessage().startsWith("expressionLib[0] (run before $(1)) failed: ReferenceError"),
                libRun.getMessage());

        for (ExpressionException e : List.of(syntax, thrown, type, ref, unterminated, libRun)) {
            assertFalse(e.getMessage().contains("org.mozilla") || e.getMessage().contains("\tat "), e.getMessage());
        }
    }

    @Test
    void contextValuesMustBeJsonLike() {
        ExpressionException e = assertThrows(ExpressionException.class,
                () -> js.interpolate("$(inputs.x + 1)", Map.of("inputs", Map.of("x", new Object()))));
        assertTrue(e.getMessage().contains("not a JSON value"), e.getMessage());
    }
}
