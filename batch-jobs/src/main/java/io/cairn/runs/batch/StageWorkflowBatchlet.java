package io.cairn.runs.batch;

import io.cairn.runs.control.WorkflowExecutor;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Checks a workflow run's inputs and records them with the workflow's defaults applied. */
@Named
@Dependent
public class StageWorkflowBatchlet extends AbstractBatchlet {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    WorkflowExecutor executor;

    @Override
    public String process() {
        executor.stage(runId);
        return executor.state(runId).name();
    }
}
