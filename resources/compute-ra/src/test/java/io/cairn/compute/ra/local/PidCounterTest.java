package io.cairn.compute.ra.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the pid counter proves that no process created since a moment can have a lower pid than one read then. */
class PidCounterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void risingReadingsCloseTogetherProveNoWrap() {
        PidCounter counter = new PidCounter(32768, 1);
        counter.observe(1000, 0);
        counter.observe(1005, 2 * MS);
        counter.observe(1005, 4 * MS);
        counter.observe(1200, 6 * MS);

        assertTrue(counter.unwrappedSince(0));
        assertTrue(counter.unwrappedSince(2 * MS));
        assertTrue(counter.unwrappedSince(6 * MS));
    }

    @Test
    void aLowerReadingMeansTheCounterWrapped() {
        PidCounter counter = new PidCounter(32768, 1);
        counter.observe(32000, 0);
        counter.observe(310, MS);
        counter.observe(400, 2 * MS);

        assertFalse(counter.unwrappedSince(0), "the reading at 0 came before the wrap");
        assertTrue(counter.unwrappedSince(MS), "everything since the first reading after the wrap is above it");
    }

    @Test
    void aGapLongEnoughToHandOutEveryPidProvesNothing() {
        // 32,468 pids at 250,000 per second: about 130 ms on one CPU, 65 ms on two
        PidCounter counter = new PidCounter(32768, 1);
        counter.observe(1000, 0);
        counter.observe(1001, 120 * MS);
        assertTrue(counter.unwrappedSince(0), "120 ms apart");

        counter.observe(1002, 260 * MS);
        assertFalse(counter.unwrappedSince(0), "140 ms: the counter could have gone round and come back");
        assertFalse(counter.unwrappedSince(120 * MS));
        assertTrue(counter.unwrappedSince(260 * MS));

        PidCounter twoCpus = new PidCounter(32768, 2);
        twoCpus.observe(1000, 0);
        twoCpus.observe(1001, 70 * MS);
        assertFalse(twoCpus.unwrappedSince(0), "two CPUs hand out pids twice as fast");
    }

    @Test
    void aLargerPidSpaceAllowsLongerGapsUpToOneSecond() {
        PidCounter counter = new PidCounter(4_194_304, 1);
        counter.observe(1000, 0);
        counter.observe(1001, 900 * MS);
        assertTrue(counter.unwrappedSince(0));

        counter.observe(1002, 2_000 * MS);
        assertFalse(counter.unwrappedSince(0), "never more than a second apart");
    }

    @Test
    void nothingIsProvenWithoutReadingsOrWithoutPidMax() {
        assertFalse(new PidCounter(32768, 4).unwrappedSince(0));
        assertFalse(new PidCounter(32768, 1).unwrappedSince(0));
        PidCounter unknown = new PidCounter(-1, 1);
        unknown.observe(1000, 0);
        unknown.observe(1001, MS);
        assertFalse(unknown.unwrappedSince(0));
    }

    @Test
    void thisHostSaysWhereItsCounterIsAndWhereItWraps() {
        long last = ProcStat.lastPid();
        long max = ProcStat.pidMax();

        assertTrue(last > 0, "/proc/sys/kernel/ns_last_pid: " + last);
        assertTrue(max > last, "/proc/sys/kernel/pid_max " + max + " above the last pid " + last);
        assertTrue(ProcStat.onlineCpus() >= Runtime.getRuntime().availableProcessors());
    }
}
