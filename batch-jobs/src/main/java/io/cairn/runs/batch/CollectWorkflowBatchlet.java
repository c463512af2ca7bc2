package io.cairn.runs.batch;

import io.cairn.runs.control.WorkflowExecutor;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Records a finished workflow run's output object. */
@Named
@Dependent
public class CollectWorkflowBatchlet extends AbstractBatchlet {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    WorkflowExecutor executor;

    @Override
    public String process() {
        executor.collect(runId);
        return executor.state(runId).name();
    }
}
