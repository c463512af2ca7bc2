package io.cairn.runs.batch;

import io.cairn.runs.control.RunExecutor;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Stages a run's inputs and builds its command line. */
@Named
@Dependent
public class StageInputsBatchlet extends AbstractBatchlet {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    RunExecutor executor;

    @Override
    public String process() {
        executor.stage(runId);
        return executor.state(runId).name();
    }
}
