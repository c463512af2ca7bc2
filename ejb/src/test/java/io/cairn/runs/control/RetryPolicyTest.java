package io.cairn.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(5));

    @Test
    void allowsTheConfiguredNumberOfRetries() {
        assertTrue(policy.allowsAnotherAfter(1));
        assertTrue(policy.allowsAnotherAfter(2));
        assertFalse(policy.allowsAnotherAfter(3));
        assertFalse(policy.withRetries(0).allowsAnotherAfter(1));
    }

    @Test
    void theDelayDoublesUpToTheLongest() {
        assertEquals(Duration.ofSeconds(2), policy.delayAfter(1));
        assertEquals(Duration.ofSeconds(4), policy.delayAfter(2));
        assertEquals(Duration.ofSeconds(5), policy.delayAfter(3));
        assertEquals(Duration.ofSeconds(5), policy.delayAfter(40));
        assertEquals(Duration.ZERO, new RetryPolicy(1, Duration.ZERO, Duration.ZERO).delayAfter(3));
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> policy.withRetries(-1));
        assertThrows(IllegalArgumentException.class, () -> policy.withRetries(RetryPolicy.MAX_RETRIES + 1));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(1, Duration.ofSeconds(3), Duration.ofSeconds(1)));
    }
}
