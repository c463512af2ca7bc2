package io.cairn.runs.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.tools.entity.ToolVersion;
import org.junit.jupiter.api.Test;

class RunAttemptsTest {

    static Run run() {
        return new Run(new ToolVersion("t", "CommandLineTool", 1, "00", null, "doc"), "p", "{}");
    }

    @Test
    void theFirstAttemptsTaskIsTheRunsIdAndEachLaterOneHasItsNumber() {
        Run run = run();
        assertEquals(run.getId(), run.taskId(), "runs submitted before attempts existed are adopted by this id");
        run.moveTo(RunState.RUNNING);
        run.recordBackendId("b1");
        assertTrue(run.runAgainAfterLoss(Run.LOST_ATTEMPT + "1 failed: lost"));
        assertEquals(2, run.getAttempts());
        assertEquals(run.getId() + ".2", run.taskId());
        assertNull(run.getBackendId(), "the lost task is forgotten");
        assertEquals(RunState.INITIALIZING, run.getState(), "staged already");
        assertEquals("attempt 1 failed: lost", run.getMessage());
        run.recordBackendId("b2");
        assertNull(run.getMessage(), "the next submission clears the reason");
        assertTrue(run.runAgainAfterLoss("attempt 2 failed"));
        assertEquals(run.getId() + ".3", run.taskId());
    }

    @Test
    void aRunThatEndedDoesNotRunAgain() {
        Run run = run();
        run.fail(RunState.CANCELED, "canceled");
        assertFalse(run.runAgainAfterLoss("lost"));
        assertEquals(1, run.getAttempts());
        assertEquals(RunState.CANCELED, run.getState());
        assertEquals("canceled", run.getMessage());
    }
}
