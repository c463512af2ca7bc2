package io.cairn.cwl.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

/**
 * Times 10,000 evaluations of a parameter reference and of a JavaScript expression (1,000 of the
 * other kinds); prints the times and asserts only the results.
 */
class ExpressionsBenchmarkTest {

    private static final Logger LOG = Logger.getLogger(ExpressionsBenchmarkTest.class.getName());
    private static final int N = 10_000;

    @Test
    void tenThousandSimpleExpressions() {
        Expressions plain = Expressions.create(List.of(), null);
        Expressions withLib = Expressions.create(List.of("function twice(x) { return 2 * x; }"), null);
        run("parameter reference", plain, "$(inputs.n)", 0, N);
        run("JavaScript expression", plain, "$(inputs.n + 1)", 1, N);
        run("function body", plain, "${ return inputs.n * 2; }", 0, N / 10);
        run("interpolated string", plain, "n=$(inputs.n + 1)!", -1, N / 10);
        run("expressionLib call", withLib, "$(twice(inputs.n))", 0, N / 10);
    }

    private static void run(String what, Expressions js, String expression, int offset, int count) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Object got = js.interpolate(expression, Map.of("inputs", Map.of("n", i)));
            Object expected = offset == -1 ? "n=" + (i + 1) + "!" : expression.contains("*") || expression.contains("twice")
                    ? (Object) (2 * i) : (Object) (i + offset);
            assertEquals(expected, got, expression);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        String line = String.format("%,d evaluations of %s %s: %d ms (%.1f µs each)", count, what, expression, ms,
                ms * 1000.0 / count);
        LOG.info(line);
    }
}
