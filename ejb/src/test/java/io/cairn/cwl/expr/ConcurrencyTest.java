package io.cairn.cwl.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** One Expressions instance used by several threads at once: each thread gets its own results. */
class ConcurrencyTest {

    @Test
    void severalThreadsAtOnceGetTheirOwnResults() throws Exception {
        Expressions js = Expressions.create(List.of("var seen = 0; function tag(n) { seen++; return 'n' + n + '/' + seen; }"),
                Duration.ofSeconds(30));
        int threads = 4;
        int perThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        int n = thread * 1000 + i;
                        Map<String, Object> ctx = Map.of("inputs", Map.of("n", n, "list", List.of(n, n + 1)));
                        assertEquals("n" + n + "/1", js.interpolate("$(tag(inputs.n))", ctx));
                        assertEquals(2 * n + 1, js.interpolate("${ return inputs.list[0] + inputs.list[1]; }", ctx));
                        assertEquals(n, js.interpolate("$(inputs.n)", ctx));
                        assertEquals("[" + n + ", " + (n + 1) + "] x", js.interpolate("$(inputs.list) x", ctx));
                        ok++;
                    }
                    return ok;
                }));
            }
            start.countDown();
            for (Future<Integer> f : futures) {
                assertEquals(perThread, f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTimeoutOnOneThreadLeavesTheOthersAlone() throws Exception {
        Expressions js = Expressions.create(List.of(), Duration.ofMillis(500));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> looping = pool.submit(() -> {
                try {
                    js.interpolate("${ while (true) {} }", Map.of());
                    return "finished";
                } catch (ExpressionException e) {
                    return e.getMessage();
                }
            });
            Future<Object> normal = pool.submit(() -> js.interpolate("$(inputs.a * 2)", Map.of("inputs", Map.of("a", 21))));
            assertEquals(42, normal.get(30, TimeUnit.SECONDS));
            assertTrue(looping.get(30, TimeUnit.SECONDS).contains("time limit"));
        } finally {
            pool.shutdownNow();
        }
    }
}
