package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterReferencesTest {

    /** The object of the params.cwl conformance test, plus a few more inputs. */
    private static Map<String, Object> context() {
        Map<String, Object> bar = new HashMap<>();
        bar.put("baz", "zab1");
        bar.put("b az", 2L);
        bar.put("b'az", true);
        bar.put("b\"az", null);
        bar.put("buz", List.of("a", "b", "c"));
        bar.put("length", 9L);
        Map<String, Object> inputs = map("bar", bar, "n", 0L, "f", Fixtures.file("/d/x.txt"), "s", "hello");
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("inputs", inputs);
        ctx.put("self", List.of(1L, 2L));
        ctx.put("runtime", map("outdir", "/out", "cores", 4L));
        return ctx;
    }

    private static Object eval(String text) {
        return ParameterReferences.evaluate(text, context());
    }

    @Test
    void wholeReferencesYieldTheValueItself() {
        assertEquals("zab1", eval("$(inputs.bar.baz)"));
        assertEquals("zab1", eval("$(inputs['bar'].baz)"));
        assertEquals("zab1", eval("$(inputs['bar'][\"baz\"])"));
        assertEquals("zab1", eval("$(inputs.bar['baz'])"));
        assertEquals(2L, eval("$(inputs.bar['b az'])"));
        assertEquals(true, eval("$(inputs.bar['b\\'az'])"));
        assertEquals(true, eval("$(inputs.bar[\"b'az\"])"));
        assertNull(eval("$(inputs.bar['b\"az'])"));
        assertEquals("b", eval("$(inputs.bar.buz[1])"));
        assertEquals(3L, eval("$(inputs.bar.buz.length)"));
        assertEquals(List.of("a", "b", "c"), eval("$(inputs.bar.buz)"));
        assertEquals(9L, eval("$(inputs.bar.length)"), "a field named length on an object is a field");
        assertEquals("/d/x.txt", eval("$(inputs.f.path)"));
        assertEquals(4L, eval("$(runtime.cores)"));
        assertEquals(2L, eval("$(self[1])"));
        assertEquals(2L, eval("$(self.length)"));
        assertEquals("e", eval("$(inputs.s[1])"));
        assertNull(eval("$(null)"));
        assertEquals(4L, eval("  $(runtime.cores)\n"), "whitespace around a lone reference does not count");
    }

    @Test
    void embeddedReferencesAreStringified() {
        assertEquals("-zab1", eval("-$(inputs.bar.baz)"));
        assertEquals("zab1 zab1", eval("$(inputs.bar.baz) $(inputs.bar.baz)"));
        assertEquals("b b", eval("$(inputs.bar.buz[1]) $(inputs.bar.buz[1])"));
        assertEquals("n=0 t=true x=null", eval("n=$(inputs.n) t=$(inputs.bar['b\\'az']) x=$(inputs.bar['b\"az'])"));
        assertEquals("[\"a\", \"b\", \"c\"]!", eval("$(inputs.bar.buz)!"));
        assertEquals("{\"basename\": \"x.txt\", \"class\": \"File\", \"path\": \"/d/x.txt\"};",
                eval("$(inputs.f);"));
        assertEquals("/out/x.txt", eval("$(runtime.outdir)/$(inputs.f.basename)"));
    }

    @Test
    void escapes() {
        assertEquals("$(inputs.n)", eval("\\$(inputs.n)"));
        assertEquals("${x}", eval("\\${x}"));
        assertEquals("\\0", eval("\\\\$(inputs.n)"));
        assertEquals("a\\b $(x) 0", eval("a\\b \\$(x) $(inputs.n)"));
        assertEquals("no refs \\\\ here", eval("no refs \\\\ here"), "strings without $( are literal");
        assertEquals("price $5 (approx)", eval("price $5 (approx)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$(inputs.n + 1)", "$(inputs.bar.buz.map(x => x))", "$(\"a \")", "${return 1;}",
        "x ${ return inputs.n }", "$( inputs.n )", "$(inputs.n", "$(inputs.a-b)"})
    void javascriptIsUnsupported(String text) {
        CwlException e = assertThrows(CwlException.class, () -> eval(text));
        assertEquals(CwlException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.reason().startsWith("JavaScript"), e.reason());
    }

    @Test
    void unsupportedMessageQuotesTheExpression() {
        CwlException e = assertThrows(CwlException.class, () -> eval("pre $(inputs.n * (2 + 1)) post"));
        assertTrue(e.reason().startsWith("JavaScript expression $(inputs.n * (2 + 1)) is not supported; only "
                + "parameter references are"), e.reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "$(null.something)|cannot evaluate $(null.something): null has no fields",
        "$(inputs.n.length)|cannot evaluate $(inputs.n.length): inputs.n is int 0, which has no field 'length'",
        "$(inputs.bar.buz[3])|cannot evaluate $(inputs.bar.buz[3]): index 3 is out of range: inputs.bar.buz has 3 items",
        "$(inputs.bar.nope)|cannot evaluate $(inputs.bar.nope): inputs.bar has no field 'nope'",
        "$(inputs.bar['b\"az'].x)|cannot evaluate $(inputs.bar['b\"az'].x): inputs.bar['b\"az'] is null; cannot read 'x'",
        "$(inputs.bar.buz.length.x)|cannot evaluate $(inputs.bar.buz.length.x): inputs.bar.buz is an array; an array has [index] and a final .length, not 'length'",
        "$(inputs.f[0])|cannot evaluate $(inputs.f[0]): inputs.f is File, not an array; cannot take [0]",
        "$(outputs.x)|cannot evaluate $(outputs.x): unknown name 'outputs'; available: inputs, self, runtime",
    })
    void unresolvableReferencesAreInvalid(String text, String reason) {
        CwlException e = assertThrows(CwlException.class, () -> eval(text));
        assertEquals(CwlException.Kind.INVALID, e.kind());
        if (reason.contains("available:")) {
            assertTrue(e.reason().startsWith("cannot evaluate $(outputs.x): unknown name 'outputs'"), e.reason());
        } else {
            assertEquals(reason, e.reason());
        }
    }

    @Test
    void unicodeSymbolsAndUnderscores() {
        Map<String, Object> ctx = Map.of("inputs", map("größe_1", 5L));
        assertEquals(5L, ParameterReferences.evaluate("$(inputs.größe_1)", ctx));
    }
}
