package io.cairn.runs.control;

import java.time.Duration;

/**
 * When a step instance whose task the pool lost (SYSTEM_ERROR), or whose tool exited with one of
 * its {@code temporaryFailCodes}, runs again: at most {@code retries} more times, after a pause
 * that doubles from {@code firstDelay} up to {@code maxDelay}. A tool's other non-zero exits are
 * its answer and never retried.
 *
 * @param retries    how many times an instance may run again (0: never)
 * @param firstDelay the pause before the first retry
 * @param maxDelay   the longest pause
 */
public record RetryPolicy(int retries, Duration firstDelay, Duration maxDelay) {

    /** The most retries a run may ask for. */
    public static final int MAX_RETRIES = 10;

    public RetryPolicy {
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new IllegalArgumentException("retries must be from 0 to " + MAX_RETRIES + ", was " + retries);
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("retry delays must be 0 or more, the longest no shorter than the first");
        }
    }

    /** Whether an instance that has been submitted {@code attempts} times may run once more. */
    public boolean allowsAnotherAfter(int attempts) {
        return attempts <= retries;
    }

    /** The pause after the {@code attempts}-th submission failed: first, twice that, ... up to the longest. */
    public Duration delayAfter(int attempts) {
        Duration delay = firstDelay;
        for (int i = 1; i < attempts && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    /** A run's policy: its own number of retries, else its pool's, else the server's; the delays are the server's. */
    public static RetryPolicy forRun(io.cairn.runs.entity.Run run, io.cairn.platform.CairnSettings settings) {
        int retries = run.getRetries() != null ? run.getRetries() : settings.retries(run.getPool());
        return new RetryPolicy(Math.max(0, Math.min(MAX_RETRIES, retries)), settings.retryDelay(),
                settings.retryMaxDelay());
    }

    /** The same policy with another number of retries. */
    public RetryPolicy withRetries(int count) {
        return new RetryPolicy(count, firstDelay, maxDelay);
    }
}
