package io.cairn.runs.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.tools.entity.ToolVersion;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Waiting for a pool that is down: not an attempt, staged work kept, the note gone once submitted. */
class PoolWaitTest {

    @Test
    void aStepInstanceWaitsWithoutLosingItsStagingOrCountingAnAttempt() {
        StepRun step = new StepRun("run", "s", 0, "{}");
        step.recordStaging("{}", "[\"true\"]", null, null);
        Instant now = Instant.now();
        step.waitForPool(now.plusSeconds(5), StepRun.POOL_WAIT + "p: dockerd does not answer");
        assertFalse(step.isDue(now));
        assertTrue(step.isDue(now.plusSeconds(6)));
        assertTrue(step.isStaged(), "what was staged is kept");
        assertEquals(0, step.getAttempts());
        assertTrue(step.getMessage().startsWith("waiting for pool p"));

        step.recordBackendId("task-1");
        assertEquals(1, step.getAttempts());
        assertNull(step.getMessage());
        assertNull(step.getRetryAt());
    }

    @Test
    void aRetryMessageIsKeptWhenTheTaskIsSubmitted() {
        StepRun step = new StepRun("run", "s", 0, "{}");
        step.retryLater(Instant.now(), "attempt 1 failed: the pool lost the task");
        step.recordBackendId("task-2");
        assertEquals("attempt 1 failed: the pool lost the task", step.getMessage());
    }

    @Test
    void aRunSaysItWaitsUntilItsTaskIsSubmitted() {
        Run run = new Run(new ToolVersion("t", "CommandLineTool", 1, "00", null, "doc"), "p", "{}");
        run.waitForPool(StepRun.POOL_WAIT + "p: down");
        assertEquals("waiting for pool p: down", run.getMessage());
        run.recordBackendId("task");
        assertNull(run.getMessage());
        run.fail(RunState.SYSTEM_ERROR, "broken");
        run.waitForPool(StepRun.POOL_WAIT + "p: down");
        assertEquals("broken", run.getMessage(), "an ended run keeps its reason");
    }
}
