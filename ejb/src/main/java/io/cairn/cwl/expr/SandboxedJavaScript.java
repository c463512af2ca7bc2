package io.cairn.cwl.expr;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mozilla.javascript.Callable;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.EcmaError;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.JavaScriptException;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;
import org.mozilla.javascript.Wrapper;

/**
 * Rhino, locked down. Every evaluation runs in interpreted mode in a global scope of its own with
 * fresh ECMAScript standard objects ({@code initSafeStandardObjects}: no {@code Packages},
 * {@code java}, {@code JavaImporter}, {@code load}, {@code print}), with a
 * {@link org.mozilla.javascript.ClassShutter} that refuses every Java class, E4X switched off
 * (its XML parser would be host access), and an instruction observer that ends the evaluation
 * once its deadline has passed or its thread is interrupted.
 *
 * <p>Why not one sealed set of standard objects shared by all evaluations (about 4 µs per
 * evaluation instead of about 0.6 ms): Rhino's sealing stops assignment and deletion, but not
 * {@code Object.defineProperty}, {@code Object.freeze}, {@code Error.captureStackTrace} or
 * assignments to {@code __proto__} and {@code __parent__}, so one evaluation could change what
 * the next one, on any thread, sees. See docs/adr/0005.
 *
 * <p>Thread safety: nothing is shared between evaluations but compiled scripts, which are
 * immutable; each evaluation has its own {@link Context} and scope.
 */
final class SandboxedJavaScript {

    /** The observer is called after about this many interpreter instructions. */
    private static final int INSTRUCTION_SLICE = 10_000;

    /** Deepest JavaScript call nesting; deeper recursion is a RangeError-like failure, not a crash. */
    private static final int MAX_CALL_DEPTH = 2_000;

    static final GuardedFactory FACTORY = new GuardedFactory();

    private SandboxedJavaScript() {
    }

    /** Ends an evaluation from inside the interpreter; an Error, so JavaScript catch and finally cannot hold it. */
    static final class Stop extends Error {
        private static final long serialVersionUID = 1L;
        final boolean interrupted;

        Stop(boolean interrupted) {
            super(interrupted ? "interrupted" : "time limit", null, false, false);
            this.interrupted = interrupted;
        }
    }

    /** A Context that knows when its current evaluation must end. */
    static final class GuardedContext extends Context {
        long deadlineNanos = Long.MAX_VALUE;

        GuardedContext(ContextFactory factory) {
            super(factory);
        }
    }

    static final class GuardedFactory extends ContextFactory {

        @Override
        protected Context makeContext() {
            GuardedContext cx = new GuardedContext(this);
            cx.setOptimizationLevel(-1);
            // ECMAScript 5.1 as CWL asks; Rhino's ES6 mode builds more standard objects for every evaluation.
            cx.setLanguageVersion(Context.VERSION_1_8);
            cx.setClassShutter(className -> false);
            cx.setInstructionObserverThreshold(INSTRUCTION_SLICE);
            cx.setMaximumInterpreterStackDepth(MAX_CALL_DEPTH);
            return cx;
        }

        @Override
        protected boolean hasFeature(Context cx, int featureIndex) {
            return switch (featureIndex) {
                case Context.FEATURE_E4X, Context.FEATURE_ENHANCED_JAVA_ACCESS,
                        Context.FEATURE_DYNAMIC_SCOPE -> false;
                // ES5.1: a function called with a null or undefined this gets the global object; without
                // this, Rhino's built-ins mishandle Array.apply(null, ...), an idiom the conformance tests use.
                case Context.FEATURE_OLD_UNDEF_NULL_THIS -> true;
                default -> super.hasFeature(cx, featureIndex);
            };
        }

        @Override
        protected void observeInstructionCount(Context cx, int instructionCount) {
            if (Thread.currentThread().isInterrupted()) {
                throw new Stop(true);
            }
            if (cx instanceof GuardedContext g && System.nanoTime() - g.deadlineNanos > 0) {
                throw new Stop(false);
            }
        }

        /** Enters a fresh guarded context; refuses to run inside a context of some other Rhino user. */
        GuardedContext enterGuarded() {
            Context cx = enterContext();
            if (!(cx instanceof GuardedContext g) || cx.getFactory() != this) {
                Context.exit();
                throw new IllegalStateException("a Rhino context of another component is active on this thread");
            }
            return g;
        }
    }

    /** Compiles a script; syntax errors surface as {@link EvaluatorException}. */
    static Script compile(String code, String sourceName) {
        try (Context cx = FACTORY.enterGuarded()) {
            return cx.compileString(code, sourceName, 1, null);
        }
    }

    /**
     * A fresh global scope for one evaluation, with standard objects of its own, and the context values as plain JavaScript objects (copies, so an expression can
     * change them without the change reaching the caller or the next evaluation).
     */
    static Scriptable newScope(Context cx, Map<String, ?> context) {
        Scriptable scope = cx.initSafeStandardObjects(null, false);
        for (String name : List.of("inputs", "self", "runtime")) {
            if (!context.containsKey(name)) {
                ScriptableObject.putProperty(scope, name, null);
            }
        }
        for (Map.Entry<String, ?> e : context.entrySet()) {
            ScriptableObject.putProperty(scope, e.getKey(),
                    toJs(cx, scope, e.getValue(), e.getKey(), 0, new IdentityHashMap<>()));
        }
        return scope;
    }

    private static Object toJs(Context cx, Scriptable scope, Object value, String where, int depth,
            IdentityHashMap<Object, Boolean> seen) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return value;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (depth > JsonValues.MAX_DEPTH) {
            throw new ExpressionException("context value '" + where + "' is nested more than "
                    + JsonValues.MAX_DEPTH + " levels deep", null);
        }
        if (value instanceof Map<?, ?> map) {
            enter(value, where, seen);
            Scriptable obj = cx.newObject(scope);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object v = toJs(cx, scope, e.getValue(), where, depth + 1, seen);
                int index = arrayIndex(key);
                if (index >= 0) {
                    obj.put(index, obj, v);
                } else {
                    obj.put(key, obj, v);
                }
            }
            seen.remove(value);
            return obj;
        }
        if (value instanceof List<?> list) {
            enter(value, where, seen);
            Object[] items = new Object[list.size()];
            int i = 0;
            for (Object item : list) {
                items[i++] = toJs(cx, scope, item, where, depth + 1, seen);
            }
            seen.remove(value);
            return cx.newArray(scope, items);
        }
        throw new ExpressionException("context value '" + where + "' holds a " + value.getClass().getSimpleName()
                + ", which is not a JSON value (allowed: object, array, string, number, boolean, null)", null);
    }

    private static void enter(Object value, String where, IdentityHashMap<Object, Boolean> seen) {
        if (seen.put(value, Boolean.TRUE) != null) {
            throw new ExpressionException("context value '" + where + "' contains itself (a cycle)", null);
        }
    }

    /** The key as an array index when it is one in canonical form (JavaScript stores those apart), else -1. */
    private static int arrayIndex(String key) {
        int n = key.length();
        if (n == 0 || n > 9 || (n > 1 && key.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Integer.parseInt(key);
    }

    /**
     * The JSON-like Java value of a JavaScript value, by the rules of {@code JSON.stringify}:
     * {@code toJSON} is honoured, functions and undefined are left out of objects and become
     * null in arrays, boxed primitives are unboxed, NaN and the infinities become null.
     */
    static Object toJava(Context cx, Object value) {
        return toJava(cx, value, 0, new IdentityHashMap<>());
    }

    private static Object toJava(Context cx, Object value, int depth, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || value instanceof Undefined) {
            return null;
        }
        if (value instanceof CharSequence s) {
            return s.toString();
        }
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer) {
            return value;
        }
        if (value instanceof Number n) {
            return JsonValues.number(n.doubleValue());
        }
        if (value instanceof Wrapper) {
            throw new ExpressionException("the value is a host object, which the sandbox does not hand out", null);
        }
        if (!(value instanceof Scriptable obj)) {
            throw new ExpressionException("the value is not a JavaScript value", null);
        }
        Object toJson = ScriptableObject.getProperty(obj, "toJSON");
        if (toJson instanceof Callable fn && !(value instanceof Function)) {
            return toJava(cx, fn.call(cx, ScriptableObject.getTopLevelScope(obj), obj, new Object[] {""}),
                    depth, seen);
        }
        switch (obj.getClassName()) {
            case "String" -> {
                return Context.toString(obj);
            }
            case "Number" -> {
                return JsonValues.number(Context.toNumber(obj));
            }
            case "Boolean" -> {
                return obj.getDefaultValue(Boolean.class);
            }
            default -> {
                // an object or an array
            }
        }
        if (depth > JsonValues.MAX_DEPTH) {
            throw new ExpressionException("the value is nested more than " + JsonValues.MAX_DEPTH
                    + " levels deep", null);
        }
        if (seen.put(obj, Boolean.TRUE) != null) {
            throw new ExpressionException("the value contains itself (a cycle), which JSON cannot hold", null);
        }
        Object result;
        if ("Array".equals(obj.getClassName())) {
            long length = (long) Context.toNumber(ScriptableObject.getProperty(obj, "length"));
            List<Object> list = new ArrayList<>((int) Math.min(length, 1 << 16));
            for (long i = 0; i < length; i++) {
                Object item = i <= Integer.MAX_VALUE ? ScriptableObject.getProperty(obj, (int) i)
                        : ScriptableObject.getProperty(obj, Long.toString(i));
                list.add(item == Scriptable.NOT_FOUND || item instanceof Function ? null
                        : toJava(cx, item, depth + 1, seen));
            }
            result = list;
        } else {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Object id : obj.getIds()) {
                Object item = id instanceof Integer i ? ScriptableObject.getProperty(obj, i)
                        : ScriptableObject.getProperty(obj, id.toString());
                if (item == Scriptable.NOT_FOUND || item instanceof Undefined || item instanceof Function) {
                    continue;
                }
                map.put(id.toString(), toJava(cx, item, depth + 1, seen));
            }
            result = map;
        }
        seen.remove(obj);
        return result;
    }

    /**
     * Why an evaluation failed, in words: the JavaScript error name and message, or the syntax
     * error with its line and column in the expression. {@code columnShift} is the length of the
     * wrapper code in front of the expression on its first line.
     */
    static String describe(Context cx, RhinoException e, int columnShift) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof JavaScriptException js) {
            sb.append("threw ").append(thrownValue(cx, js.getValue()));
        } else if (e instanceof EcmaError err) {
            sb.append(err.getName()).append(": ").append(err.getErrorMessage());
        } else if (e instanceof EvaluatorException ev) {
            sb.append(ev.details());
        } else {
            sb.append(e.details());
        }
        int line = e.lineNumber();
        if (line > 0) {
            sb.append(" (line ").append(line);
            int column = e.columnNumber();
            if (column > 0 && line == 1) {
                column -= columnShift;
            }
            if (column > 0) {
                sb.append(", column ").append(column);
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** A thrown value as text; an Error by its name and message. Runs under the evaluation's deadline. */
    private static String thrownValue(Context cx, Object value) {
        try {
            if (value instanceof Scriptable obj && !(value instanceof Function)) {
                Object message = ScriptableObject.getProperty(obj, "message");
                if ("Error".equals(obj.getClassName()) || message instanceof CharSequence) {
                    Object name = ScriptableObject.getProperty(obj, "name");
                    String n = name instanceof CharSequence ? name.toString() : "Error";
                    return n + ": " + (message instanceof CharSequence ? message : "");
                }
            }
            Object plain = toJava(cx, value);
            return plain instanceof String s ? s : JsonValues.toJson(plain);
        } catch (RuntimeException | Stop e) {
            return "a value that cannot be shown";
        }
    }
}
