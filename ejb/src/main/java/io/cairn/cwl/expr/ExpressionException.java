package io.cairn.cwl.expr;

/**
 * A CWL expression could not be evaluated: the text is malformed (unbalanced brackets), the
 * JavaScript has a syntax error or threw, it ran past the time limit, it touched something the
 * sandbox refuses, or its value is not JSON-like. The message names the expression and the
 * reason in words meant for the author of the CWL document.
 */
public class ExpressionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The expression as written (abbreviated), or null when the problem is not in one expression. */
    private final String expression;

    public ExpressionException(String message, String expression) {
        super(message);
        this.expression = expression;
    }

    /** The {@code $(...)} or <code>${...}</code> the problem is in, abbreviated; null if none. */
    public String expression() {
        return expression;
    }
}
