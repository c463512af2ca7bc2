package io.cairn.cwl.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * A CWL string split into literal text and embedded expressions, following the scanning rules of
 * the CWL specification: after {@code $(} the expression runs to the matching {@code )}, after
 * <code>${</code> to the matching <code>}</code>; only brackets of that same kind nest, and
 * brackets inside single- or double-quoted JavaScript strings (where a backslash escapes the next
 * character) do not count.
 *
 * <p>Escapes apply only to strings that contain {@code $(} or <code>${</code> at all (others are
 * taken literally, as the reference runner does): {@code \$(} and <code>\${</code> stand for the
 * literal two characters, {@code \\} for one backslash, and a backslash before anything else is
 * kept with that character.
 */
record Template(String source, List<Object> parts) {

    /**
     * An embedded expression: {@code $(code)} when {@code body} is false, <code>${code}</code> when
     * true; {@code path} is the plain parameter reference it is, or null.
     */
    record Expr(String source, String code, boolean body, int position, ParameterPath path) {
    }

    static boolean mayContainExpression(String text) {
        return text != null && (text.contains("$(") || text.contains("${"));
    }

    /** The only expression when the string is exactly that expression, nothing around it, else null. */
    Expr exactlyOne() {
        return parts.size() == 1 && parts.get(0) instanceof Expr e ? e : null;
    }

    /** The only expression when the string is that expression with at most whitespace around it, else null. */
    Expr whole() {
        Expr found = null;
        for (Object part : parts) {
            if (part instanceof Expr e) {
                if (found != null) {
                    return null;
                }
                found = e;
            } else if (!((String) part).isBlank()) {
                return null;
            }
        }
        return found;
    }

    boolean hasExpressions() {
        for (Object part : parts) {
            if (part instanceof Expr) {
                return true;
            }
        }
        return false;
    }

    /** Splits a string; throws when an expression is not closed. */
    static Template parse(String text) {
        if (!mayContainExpression(text)) {
            return new Template(text, List.of(text));
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char next = text.charAt(i + 1);
                if (next == '$' && i + 2 < n && (text.charAt(i + 2) == '(' || text.charAt(i + 2) == '{')) {
                    literal.append('$').append(text.charAt(i + 2));
                    i += 3;
                } else if (next == '\\') {
                    literal.append('\\');
                    i += 2;
                } else {
                    literal.append(c).append(next);
                    i += 2;
                }
                continue;
            }
            if (c == '$' && i + 1 < n && (text.charAt(i + 1) == '(' || text.charAt(i + 1) == '{')) {
                int end = closing(text, i);
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                boolean body = text.charAt(i + 1) == '{';
                String code = text.substring(i + 2, end);
                parts.add(new Expr(text.substring(i, end + 1), code, body, i, body ? null : ParameterPath.parse(code)));
                i = end + 1;
                continue;
            }
            literal.append(c);
            i++;
        }
        if (literal.length() > 0 || parts.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Template(text, List.copyOf(parts));
    }

    /** True when the text holds a {@code $(} or <code>${</code> that is not escaped. */
    static boolean containsExpression(String text) {
        if (!mayContainExpression(text)) {
            return false;
        }
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '$' && i + 1 < n && (text.charAt(i + 1) == '(' || text.charAt(i + 1) == '{')) {
                return true;
            }
        }
        return false;
    }

    /** Index of the bracket closing the expression that starts with {@code $} at {@code start}. */
    private static int closing(String text, int start) {
        char open = text.charAt(start + 1);
        char close = open == '(' ? ')' : '}';
        int depth = 0;
        char quote = 0;
        for (int k = start + 1; k < text.length(); k++) {
            char c = text.charAt(k);
            if (quote != 0) {
                if (c == '\\') {
                    k++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return k;
            }
        }
        String what = quote != 0 ? "a string literal opened with " + quote + " is not closed"
                : "no matching '" + close + "'";
        throw new ExpressionException("unterminated expression " + Expressions.abbreviate(text.substring(start))
                + " at position " + start + ": " + what + " (to write a literal '$" + open + "' use '\\$"
                + open + "')", Expressions.abbreviate(text.substring(start)));
    }
}
