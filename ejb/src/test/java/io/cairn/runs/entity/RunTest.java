package io.cairn.runs.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.tools.entity.ToolVersion;
import org.junit.jupiter.api.Test;

class RunTest {

    private static Run run() {
        return new Run(new ToolVersion("t", "CommandLineTool", 1, "00", null, "doc"), "local", "{}");
    }

    @Test
    void movesForwardAndRecordsTimes() {
        Run run = run();
        assertEquals(RunState.QUEUED, run.getState());
        assertTrue(run.moveTo(RunState.INITIALIZING));
        assertNull(run.getStartedAt());
        assertTrue(run.moveTo(RunState.RUNNING));
        assertNotNull(run.getStartedAt());
        assertTrue(run.moveTo(RunState.COMPLETE));
        assertNotNull(run.getEndedAt());
    }

    @Test
    void neverLeavesATerminalState() {
        Run run = run();
        run.fail(RunState.EXECUTOR_ERROR, "exit 3");
        assertFalse(run.moveTo(RunState.RUNNING));
        run.fail(RunState.CANCELED, "late cancel");
        assertEquals(RunState.EXECUTOR_ERROR, run.getState());
        assertEquals("exit 3", run.getMessage());
    }

    @Test
    void aRunBeingCanceledOnlyEnds() {
        Run run = run();
        run.moveTo(RunState.RUNNING);
        run.moveTo(RunState.CANCELING);
        assertFalse(run.moveTo(RunState.RUNNING));
        assertEquals(RunState.CANCELING, run.getState());
        assertTrue(run.moveTo(RunState.CANCELED));
    }

    @Test
    void theBackendsStartTimeFillsAGap() {
        Run run = run();
        var started = java.time.Instant.parse("2026-01-01T00:00:00Z");
        run.recordStart(started);
        assertEquals(started, run.getStartedAt());
        run.recordStart(java.time.Instant.now());
        assertEquals(started, run.getStartedAt());
    }
}
