package io.cairn.cwl.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Escape attempts, each of which must be refused: Java classes and packages in the idioms of
 * Rhino and Nashorn, host functions (load, print, quit), reflection through the values handed
 * in, the global object reached through the Function constructor; and endless evaluations,
 * which must end at the time limit even when they catch errors or hide in finally blocks.
 */
class SandboxTest {

    private static final Map<String, Object> CONTEXT = Map.of(
            "inputs", Map.of("s", "text", "list", List.of(1), "obj", Map.of("k", "v")),
            "self", "text",
            "runtime", Map.of("cores", 1));

    private final Expressions js = Expressions.create(List.of(), Duration.ofSeconds(2));

    private Object eval(String text) {
        return js.interpolate(text, CONTEXT);
    }

    /** Names of the host, Rhino's LiveConnect, Nashorn's Java bridge and shell functions: none exists. */
    @ParameterizedTest
    @ValueSource(strings = {"java", "javax", "Packages", "JavaImporter", "JavaAdapter", "importClass",
        "importPackage", "getClass", "Java", "load", "loadWithNewGlobal", "print", "quit", "exit", "readFile",
        "readUrl", "runCommand", "spawn", "sync", "system", "defineClass", "serialize", "deserialize", "XML",
        "XMLList", "Namespace", "QName", "require", "process", "module", "__noSuchMethod__", "$ENV", "$EXEC",
        "$ARG", "Polyglot", "Graal", "org", "com", "edu", "net"})
    void hostNamesAreUndefined(String name) {
        assertEquals("undefined", eval("$(typeof " + name + ")"), name);
        assertEquals("undefined", eval("$(typeof this['" + name + "'])"), name);
        assertEquals("undefined", eval("$(typeof (Function('return this')())['" + name + "'])"), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "$(java.lang.System.getProperty('user.home'))",
        "$(Packages.java.lang.Runtime.getRuntime().exec('id'))",
        "$(Java.type('java.lang.System').exit(1))",
        "${ var imp = new JavaImporter(java.io); with (imp) { return new File('/').list(); } }",
        "$(java.lang.Class.forName('java.lang.System'))",
        "$(load('/etc/passwd'))",
        "$(readFile('/etc/passwd'))",
        "$(print('x'))",
        "$(quit())",
        "$(exit(1))",
        "$(inputs.getClass())",
        "$(inputs.s.getClass().forName('java.lang.System'))",
        "$(inputs.s.getBytes())",
        "$(''.getClass())",
        "$(inputs.list.getClass())",
        "$(inputs.constructor.getClass())",
        "$(this.getClass())",
        "$(new XML('<a/>'))",
        "$(importPackage(java.io))",
        "$(Function('return java')())",
        "$(this.constructor.constructor('return Packages')())",
        "$(inputs.obj.__proto__.constructor.constructor('return java.lang.System')())",
        "$(Object.getPrototypeOf(inputs).constructor.constructor('return getClass')())",
        "$(eval('java.lang.System.exit(1)'))",
        "$(new Function('return this.java.lang')())",
    })
    void javaAndHostAccessIsRefused(String attempt) {
        ExpressionException e = assertThrows(ExpressionException.class, () -> eval(attempt), attempt);
        assertTrue(e.getMessage().contains("ReferenceError") || e.getMessage().contains("TypeError"),
                attempt + " -> " + e.getMessage());
    }

    @Test
    void theFunctionConstructorReachesOnlyTheJavaScriptGlobal() {
        assertEquals("object", eval("$(typeof this.constructor.constructor('return this')())"));
        assertEquals(List.of("undefined", "undefined", "undefined", "function"),
                eval("${ var g = this.constructor.constructor('return this')();"
                        + " return [typeof g.java, typeof g.Packages, typeof g.getClass, typeof g.JSON.parse]; }"));
        assertEquals("[object Object]", eval("$(String(this.constructor.constructor('return this')()))"));
        assertEquals(1, eval("${ var g = Function('return this')(); g.planted = 1; return g.planted; }"),
                "the global of this evaluation is its own");
        assertEquals("undefined", eval("$(typeof planted)"), "and gone with the next");
        for (String change : List.of("Object.defineProperty(Object.prototype, 'planted', {value: 1})",
                "Object.freeze(Object.prototype)", "Math.__proto__ = null", "JSON.__parent__ = {}",
                "Array.prototype.planted = 1", "Error.captureStackTrace(Object.prototype)",
                "Object.prototype.__defineGetter__('planted', function() { return 1; })", "Math.max = null")) {
            js.interpolate("${ try { " + change + "; } catch (e) {} return 1; }", CONTEXT);
        }
        assertEquals(List.of("undefined", "undefined", false, true, "function", "object"),
                eval("$([typeof ({}).planted, typeof [].planted, Object.isFrozen(Object.prototype),"
                        + " Object.getPrototypeOf(Math) === Object.prototype, typeof Math.max, typeof JSON.__parent__])"),
                "what one evaluation changes in the built-in objects, the next does not see");
        assertEquals("undefined", eval("$(typeof ({}).planted)"));
    }

    @Test
    void caughtErrorsCarryNoJavaObjects() {
        assertEquals(List.of("undefined", "undefined"),
                eval("${ try { null.x; } catch (e) { return [typeof e.javaException, typeof e.rhinoException]; } }"));
        assertEquals(List.of("undefined", "undefined"),
                eval("${ try { undefinedName; } catch (e) { return [typeof e.javaException, typeof e.rhinoException]; } }"));
        assertEquals(List.of("undefined", "undefined"),
                eval("${ try { decodeURIComponent('%'); } catch (e) { return [typeof e.javaException, typeof e.rhinoException]; } }"));
    }

    @Test
    void theTypesOfValuesHandedInArePlainJavaScript() {
        assertEquals(List.of("string", "object", "number", "true", "true"),
                eval("$([typeof inputs.s, typeof inputs.obj, typeof runtime.cores, String(Array.isArray(inputs.list)),"
                        + " String(Object.getPrototypeOf(inputs) === Object.prototype)])"));
    }

    @Test
    void anEndlessLoopEndsAtTheTimeLimit() {
        Expressions fast = Expressions.create(List.of(), Duration.ofMillis(300));
        long start = System.nanoTime();
        ExpressionException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ExpressionException.class, () -> fast.interpolate("${ while(true){} }", CONTEXT)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("expression ${ while(true){} } did not finish within the time limit of 300 ms (an endless loop?)",
                e.getMessage());
        assertTrue(ms >= 300 && ms < 5_000, "stopped after " + ms + " ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "${ try { while(true){} } catch (e) { return 'caught'; } }",
        "${ try { while(true){} } finally { return 'finally'; } }",
        "${ for(;;) { try { while(true){} } catch (e) {} } }",
        "${ function f() { try { while(true){} } catch (e) { return f(); } } return f(); }",
        "$([1,2,3].map(function f(x) { while(true){} }))",
        "$('x'.replace(/x/, function() { while(true){} }))",
        "$(/(a+)+b/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'))",
        "$(JSON.parse('[1]', function(k, v) { while(true){} }))",
        "${ var o = {}; Object.defineProperty(o, 'x', {get: function(){ while(true){} }}); return o.x; }",
        "${ return {toJSON: function(){ while(true){} }}; }",
        "${ throw {message: 'm', get name() { while(true){} }}; }",
    })
    void endlessEvaluationsEndEvenWhenTheyTryToCatchTheStop(String code) {
        Expressions fast = Expressions.create(List.of(), Duration.ofMillis(300));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                Object v = fast.interpolate(code, CONTEXT);
                throw new AssertionError(code + " gave " + v);
            } catch (ExpressionException e) {
                assertTrue(e.getMessage().contains("time limit") || e.getMessage().contains("cannot be shown"),
                        code + " -> " + e.getMessage());
            }
        });
    }

    @Test
    void anEndlessLibraryEndsAtTheTimeLimitToo() {
        Expressions lib = Expressions.create(List.of("while (true) {}"), Duration.ofMillis(200));
        ExpressionException e = assertThrows(ExpressionException.class, () -> lib.interpolate("$(1)", CONTEXT));
        assertTrue(e.getMessage().startsWith("expressionLib[0] (run before $(1)) did not finish"), e.getMessage());
    }

    @Test
    void deepRecursionFailsCleanly() {
        ExpressionException e = assertThrows(ExpressionException.class,
                () -> eval("${ function f(n) { return f(n + 1) + 1; } return f(0); }"));
        assertTrue(e.getMessage().startsWith("expression ${ function f(n)"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("stack") || e.getMessage().contains("recursion"),
                e.getMessage());
    }

    @Test
    void anInterruptedThreadStopsItsEvaluation() throws Exception {
        Expressions slow = Expressions.create(List.of(), Duration.ofSeconds(60));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                slow.interpolate("${ while(true){} }", CONTEXT);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        Thread.sleep(200);
        t.interrupt();
        t.join(10_000);
        assertTrue(!t.isAlive(), "the evaluation kept running after the interrupt");
        assertTrue(outcome.get() instanceof ExpressionException, String.valueOf(outcome.get()));
        assertTrue(outcome.get().getMessage().endsWith("was interrupted"), outcome.get().getMessage());
    }

    @Test
    void theTimeLimitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Expressions.create(List.of(), Duration.ZERO));
    }
}
