package io.cairn.runs.batch;

import io.cairn.runs.control.RunExecutor;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.listener.AbstractJobListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Makes sure a run whose job ended is never left in a running state: a run being canceled ends
 * CANCELED, any other unfinished run ends SYSTEM_ERROR.
 */
@Named
@Dependent
public class RunJobListener extends AbstractJobListener {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    JobContext jobContext;

    @Inject
    RunExecutor executor;

    @Override
    public void beforeJob() {
        executor.recordJobExecution(runId, jobContext.getExecutionId());
    }

    @Override
    public void afterJob() {
        executor.settle(runId, "the run's batch job ended (" + jobContext.getBatchStatus()
                + ") before the run did; see the server log");
    }
}
