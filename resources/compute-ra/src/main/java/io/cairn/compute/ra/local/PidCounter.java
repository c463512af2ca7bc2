package io.cairn.compute.ra.local;

import java.util.concurrent.TimeUnit;

/**
 * Follows the kernel's pid counter, so that the processes a finished task left in its session can be looked for
 * among the pids handed out since its wrapper started instead of in all of /proc.
 *
 * <p>Linux hands out pids in increasing order and, after {@code pid_max}, starts again near the bottom (at 300). A
 * member of a task's session was created after the task's wrapper, so while the counter has not wrapped since the
 * wrapper got pid {@code P}, every member has a pid in {@code [P, last]}. The pool reads the counter as it works: the
 * pid of each process it starts, and {@code ns_last_pid} before each such search. Readings that never went down and
 * were never further apart than the time the kernel needs to hand out every pid once (at a rate no CPU reaches,
 * {@link #MAX_PIDS_PER_CPU_SECOND}, times the host's CPUs) prove that it did not wrap in between: to come back
 * above an earlier reading, it would have had to hand out all pids in one gap. Any other case (a reading lower than the one before, a long gap, a
 * task adopted from an earlier server) answers "unknown", and the caller reads all of /proc as before.
 *
 * <p>Not thread-safe; the backend calls it under its lock.
 */
final class PidCounter {

    /**
     * More pids (processes and threads together) than one CPU hands out in a second: creating a thread costs the
     * kernel well over 4 microseconds.
     */
    static final long MAX_PIDS_PER_CPU_SECOND = 250_000;
    /** The kernel starts again from here after pid_max. */
    private static final long FIRST_AFTER_WRAP = 300;

    private final long maxGapNanos;
    private long last = -1;
    private long lastAt;
    /** When the current run of readings (none lower than the one before, no gap too long) began. */
    private long runSince;

    /**
     * @param pidMax the host's pid_max, or -1 if unknown (then nothing is ever proven)
     * @param cpus   the host's CPUs (all of them, not the share this server may use: other containers of the host
     *               can take pids of this namespace)
     */
    PidCounter(long pidMax, int cpus) {
        long cycle = pidMax - FIRST_AFTER_WRAP;
        long perSecond = MAX_PIDS_PER_CPU_SECOND * Math.max(1, cpus);
        this.maxGapNanos = cycle <= 0 ? -1
                : Math.min(TimeUnit.SECONDS.toNanos(1), cycle * TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    /** The counter had handed out at least {@code pid} at {@code nanos} ({@link System#nanoTime()}). */
    void observe(long pid, long nanos) {
        if (pid <= 0 || maxGapNanos < 0) {
            return;
        }
        if (last < 0 || pid < last || nanos - lastAt > maxGapNanos) {
            runSince = nanos;
        }
        last = pid;
        lastAt = nanos;
    }

    /**
     * Whether no pid handed out since the reading taken at {@code since} can be lower than the pid read then: the
     * readings from {@code since} up to the latest form one unbroken run.
     */
    boolean unwrappedSince(long since) {
        return last >= 0 && runSince - since <= 0;
    }
}
