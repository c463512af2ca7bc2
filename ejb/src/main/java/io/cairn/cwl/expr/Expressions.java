package io.cairn.cwl.expr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;

import io.cairn.cwl.expr.SandboxedJavaScript.GuardedContext;
import io.cairn.cwl.expr.SandboxedJavaScript.Stop;

/**
 * CWL expressions under {@code InlineJavascriptRequirement}: {@code $(expression)} is an
 * ECMAScript 5.1 expression, <code>${body}</code> a function body whose {@code return} gives the
 * value. They see {@code inputs}, {@code self} and {@code runtime} (absent ones are null) and
 * whatever the {@code expressionLib} entries define; the entries run before every expression,
 * in a scope of its own, so nothing one evaluation does is seen by the next.
 *
 * <p>Interpolation: a string that is one expression (whitespace around it aside) evaluates to the
 * expression's value, with its type; otherwise every expression is replaced by its text (strings
 * as they are, numbers in plain decimal, objects and arrays as JSON with sorted keys) and the
 * result is a String. Strings without {@code $(} or <code>${</code> are returned unchanged; in the
 * others {@code \$(} and <code>\${</code> stand for the literal characters and {@code \\} for one
 * backslash. Values cross as JSON-like Java values: Map, List, String, Boolean, Integer or Long
 * for whole numbers, Double, null.
 *
 * <p>The JavaScript runs sandboxed (no Java, no host, see {@link SandboxedJavaScript}) and each
 * evaluation is stopped once it has run longer than the time limit, or when its thread is
 * interrupted. Instances are immutable apart from caches and safe to share between threads;
 * make one per document (its expressionLib is compiled once) or one per process.
 */
public final class Expressions {

    /** The time limit when none is given. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(10);

    private static final int CACHE_LIMIT = 10_000;
    private static final String EXPRESSION_PREFIX = "(";
    private static final String BODY_PREFIX = "(function(){";

    private final List<String> libSources;
    private final List<Script> lib;
    private final Duration timeLimit;
    private final long timeLimitNanos;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    private Expressions(List<String> libSources, List<Script> lib, Duration timeLimit) {
        this.libSources = libSources;
        this.lib = lib;
        this.timeLimit = timeLimit;
        this.timeLimitNanos = timeLimit.toNanos();
    }

    /**
     * Compiles the expressionLib entries (in order) once.
     *
     * @param expressionLib JavaScript run before each expression; null or empty for none
     * @param timeLimit the longest one evaluation may run; null for {@link #DEFAULT_TIME_LIMIT}
     * @throws ExpressionException when an entry has a syntax error
     */
    public static Expressions create(List<String> expressionLib, Duration timeLimit) {
        Duration limit = timeLimit == null ? DEFAULT_TIME_LIMIT : timeLimit;
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the time limit must be positive, not " + limit);
        }
        List<String> sources = expressionLib == null ? List.of() : List.copyOf(expressionLib);
        List<Script> compiled = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            String name = "expressionLib[" + i + "]";
            try {
                compiled.add(SandboxedJavaScript.compile(sources.get(i), name));
            } catch (EvaluatorException e) {
                throw new ExpressionException(name + syntaxError(e, 0, Integer.MAX_VALUE), name);
            }
        }
        return new Expressions(sources, List.copyOf(compiled), limit);
    }

    /** The time limit of one evaluation. */
    public Duration timeLimit() {
        return timeLimit;
    }

    /** True when the text holds a {@code $(} or <code>${</code> that is not escaped with a backslash. */
    public static boolean containsExpression(String text) {
        return Template.containsExpression(text);
    }

    /**
     * Evaluates a CWL string that may hold {@code $(...)} and <code>${...}</code>.
     *
     * @param context the names the expressions see: {@code inputs}, {@code self}, {@code runtime}
     *        (JSON-like values; they are copied, never changed)
     * @return the value of a string that is one expression, otherwise the interpolated String
     * @throws ExpressionException when the string is malformed or an expression fails
     */
    public Object interpolate(String text, Map<String, ?> context) {
        return interpolate(text, context, false);
    }

    /**
     * As {@link #interpolate}, but whitespace counts: the string gives an expression's value only
     * when it is exactly that expression, so <code>"${...}\n"</code> is a String ending in a
     * newline. For file contents, such as {@code InitialWorkDirRequirement} entries, where the
     * reference runner does not strip whitespace.
     */
    public Object interpolateVerbatim(String text, Map<String, ?> context) {
        return interpolate(text, context, true);
    }

    private Object interpolate(String text, Map<String, ?> context, boolean verbatim) {
        Objects.requireNonNull(context, "context");
        if (!Template.mayContainExpression(text)) {
            return text;
        }
        Template template = template(text);
        Template.Expr whole = verbatim ? template.exactlyOne() : template.whole();
        if (whole != null) {
            return evaluate(whole, context);
        }
        StringBuilder sb = new StringBuilder();
        for (Object part : template.parts()) {
            if (part instanceof Template.Expr e) {
                sb.append(JsonValues.toText(evaluate(e, context)));
            } else {
                sb.append((String) part);
            }
        }
        return sb.toString();
    }

    private Template template(String text) {
        Template t = templates.get(text);
        if (t == null) {
            t = Template.parse(text);
            if (templates.size() >= CACHE_LIMIT) {
                templates.clear();
            }
            templates.put(text, t);
        }
        return t;
    }

    private Object evaluate(Template.Expr expr, Map<String, ?> context) {
        ParameterPath path = expr.path();
        if (path != null && (lib.isEmpty() || libLeaves(path.root()))) {
            Object value = path.resolve(context);
            if (value != ParameterPath.UNRESOLVED) {
                try {
                    return JsonValues.copy(value, "the value of " + abbreviate(expr.source()));
                } catch (ExpressionException e) {
                    throw new ExpressionException(e.getMessage(), abbreviate(expr.source()));
                }
            }
        }
        return run(expr, context);
    }

    /** True when no expressionLib entry mentions the name, so it cannot have changed the value behind it. */
    private boolean libLeaves(String name) {
        for (String source : libSources) {
            if (source.contains(name)) {
                return false;
            }
        }
        return true;
    }

    private Object run(Template.Expr expr, Map<String, ?> context) {
        String shown = abbreviate(expr.source());
        int shift = expr.body() ? BODY_PREFIX.length() : EXPRESSION_PREFIX.length();
        Script script = script(expr, shown);
        String stage = "expression " + shown;
        try (GuardedContext cx = SandboxedJavaScript.FACTORY.enterGuarded()) {
            cx.deadlineNanos = System.nanoTime() + timeLimitNanos;
            try {
                Scriptable scope = SandboxedJavaScript.newScope(cx, context);
                for (int i = 0; i < lib.size(); i++) {
                    stage = "expressionLib[" + i + "] (run before " + shown + ")";
                    lib.get(i).exec(cx, scope);
                }
                stage = "expression " + shown;
                Object result = script.exec(cx, scope);
                if (result instanceof org.mozilla.javascript.Function) {
                    throw new ExpressionException(stage + " gives a function, not a value; call it, as in name(...)",
                            shown);
                }
                try {
                    return SandboxedJavaScript.toJava(cx, result);
                } catch (ExpressionException e) {
                    throw new ExpressionException("the value of " + stage + " cannot be used: " + e.getMessage(),
                            shown);
                }
            } catch (RhinoException e) {
                throw new ExpressionException(stage + " failed: "
                        + SandboxedJavaScript.describe(cx, e, stage.startsWith("expression ") ? shift : 0), shown);
            } catch (Stop e) {
                throw new ExpressionException(stage + (e.interrupted ? " was interrupted"
                        : " did not finish within the time limit of " + seconds(timeLimit)
                                + " (an endless loop?)"), shown);
            } catch (StackOverflowError e) {
                throw new ExpressionException(stage + " failed: too much recursion", shown);
            } catch (OutOfMemoryError e) {
                throw new ExpressionException(stage + " failed: it ran out of memory", shown);
            }
        } catch (ExpressionException e) {
            if (e.expression() == null) {
                throw new ExpressionException(stage + ": " + e.getMessage(), shown);
            }
            throw e;
        }
    }

    private Script script(Template.Expr expr, String shown) {
        // The newline before the closing brackets lets an expression end in a // comment.
        String code = expr.body() ? BODY_PREFIX + expr.code() + "\n})()" : EXPRESSION_PREFIX + expr.code() + "\n)";
        Script script = scripts.get(code);
        if (script == null) {
            try {
                script = SandboxedJavaScript.compile(code, expr.body() ? "${...}" : "$(...)");
            } catch (EvaluatorException e) {
                int shift = expr.body() ? BODY_PREFIX.length() : EXPRESSION_PREFIX.length();
                int lines = (int) expr.code().chars().filter(ch -> ch == '\n').count() + 1;
                throw new ExpressionException("expression " + shown + syntaxError(e, shift, lines), shown);
            }
            if (scripts.size() >= CACHE_LIMIT) {
                scripts.clear();
            }
            scripts.put(code, script);
        }
        return script;
    }

    /** " has a syntax error: why (line, column)", positions within the code as written. */
    private static String syntaxError(RhinoException e, int columnShift, int codeLines) {
        String details = e.details();
        String why = details == null || details.isBlank() || "syntax error".equals(details) ? "" : ": " + details;
        if (e.lineNumber() > codeLines) {
            return " has a syntax error" + why + " (at the end: is something missing?)";
        }
        return " has a syntax error" + why + where(e, columnShift);
    }

    private static String where(RhinoException e, int columnShift) {
        if (e.lineNumber() <= 0) {
            return "";
        }
        int column = e.columnNumber();
        if (e.lineNumber() == 1 && column > 0) {
            column -= columnShift;
        }
        return " (line " + e.lineNumber() + (column > 0 ? ", column " + column : "") + ")";
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** The text, shortened to 80 characters for messages. */
    static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }
}
