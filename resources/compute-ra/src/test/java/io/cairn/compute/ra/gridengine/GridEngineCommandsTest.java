package io.cairn.compute.ra.gridengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.batch.CommandRunner;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command lines the Grid Engine client builds, and how it reads qsub's answer and the tools' errors. */
class GridEngineCommandsTest {

    private static final List<String> BASE = List.of("qsub", "-terse", "-C", "", "-S", "/bin/sh", "-N", "cairn-x",
            "-o", "/dev/null", "-e", "/dev/null", "-wd", "/tmp");
    private static final TaskSpec BIG = new TaskSpec("t1", List.of("/bin/echo", "hi"), Map.of(), "/s/w", null,
            "/s/o", "/s/e", 4, 1001, null, false, List.of(), false, 61);
    private static final TaskSpec PLAIN = new TaskSpec("t2", List.of("/bin/true"), Map.of(), "/s/w", null, "/s/o",
            "/s/e", 1, 0, null);

    private static GridEngineOptions options(String pe, String memory, String queue) {
        return new GridEngineOptions("/var/lib/gridengine", "default", queue, pe, memory, null, null);
    }

    @Test
    void aPlainTaskGetsOneSlotNoResourcesAndNoDirectiveScanning() {
        assertEquals(BASE, GridEngineScheduler.qsubCommand(PLAIN, "cairn-x", options("smp", "h_vmem", null)));
    }

    @Test
    void coresBecomeSlotsOfTheParallelEnvironmentAndMemoryIsPerSlot() {
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(List.of("-pe", "smp", "4", "-l", "h_vmem=251M,h_rt=61", "-q", "all.q"));
        assertEquals(expected, GridEngineScheduler.qsubCommand(BIG, "cairn-x", options("smp", "h_vmem", "all.q")));
    }

    @Test
    void withoutAParallelEnvironmentATaskRunsInOneSlotWithAllItsMemory() {
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(List.of("-l", "h_vmem=1001M,h_rt=61"));
        assertEquals(expected, GridEngineScheduler.qsubCommand(BIG, "cairn-x", options(null, "h_vmem", null)));
    }

    @Test
    void noMemoryResourceMeansNoMemoryRequest() {
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(List.of("-l", "h_rt=61"));
        assertEquals(expected, GridEngineScheduler.qsubCommand(BIG, "cairn-x", options(null, null, null)));
    }

    @Test
    void noOptionAsksForMail() {
        assertFalse(GridEngineScheduler.qsubCommand(BIG, "n", options("smp", "h_vmem", "q")).contains("-m"));
        assertFalse(GridEngineScheduler.qsubCommand(BIG, "n", options("smp", "h_vmem", "q")).contains("-M"));
    }

    @Test
    void anotherSubmitUserIsSwitchedToKeepingTheCell() {
        GridEngineOptions as = new GridEngineOptions("/sge", "c1", null, null, null, "sgeci", null);
        assertEquals(List.of("runuser", "-u", "sgeci", "--", "env", "SGE_ROOT=/sge", "SGE_CELL=c1"),
                GridEngineScheduler.commandPrefix(as, "root"));
        assertEquals(List.of("sudo", "-n", "-u", "sgeci", "--", "env", "SGE_ROOT=/sge", "SGE_CELL=c1"),
                GridEngineScheduler.commandPrefix(as, "payara"));
        assertEquals(List.of(), GridEngineScheduler.commandPrefix(as, "sgeci"));
        assertEquals(List.of(), GridEngineScheduler.commandPrefix(options(null, null, null), "root"));
        GridEngineOptions bare = new GridEngineOptions(null, null, null, null, null, "sgeci", null);
        assertEquals(List.of("runuser", "-u", "sgeci", "--", "env"), GridEngineScheduler.commandPrefix(bare, "root"));
    }

    @Test
    void qsubTerseOutput() {
        assertEquals("42", GridEngineScheduler.parseQsub("42\n"));
        assertEquals("42", GridEngineScheduler.parseQsub("42.1-10:1\n"));
        assertThrows(ComputeException.class, () -> GridEngineScheduler.parseQsub(
                "Unable to run job: job rejected: your user id 0 is lower than minimum user id 1000\n"));
        assertThrows(ComputeException.class, () -> GridEngineScheduler.parseQsub(""));
    }

    @Test
    void anUnreachableQmasterIsRetriedARefusalIsNot() {
        CommandRunner.Result down = new CommandRunner.Result(1, "", "error: commlib error: got select error"
                + " (Connection refused)\nUnable to run job: unable to send message to qmaster using port 6444 on"
                + " host \"localhost\": got send error\nExiting.\n");
        assertInstanceOf(SchedulerUnavailableException.class, GridEngineScheduler.failure("qsub", down));
        CommandRunner.Result refused = new CommandRunner.Result(1, "", "Unable to run job: job rejected: the"
                + " requested parallel environment \"nope\" does not exist\nExiting.\n");
        ComputeException failure = GridEngineScheduler.failure("qsub", refused);
        assertFalse(failure instanceof SchedulerUnavailableException);
        assertTrue(failure.getMessage().startsWith("qsub failed (exit 1): Unable to run job"), failure.getMessage());
    }
}
