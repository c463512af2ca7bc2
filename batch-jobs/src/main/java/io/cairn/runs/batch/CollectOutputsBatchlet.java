package io.cairn.runs.batch;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.TaskStatus;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.control.RunExecutor;
import io.cairn.runs.entity.Run;
import io.cairn.runs.boundary.Runs;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Asks the pool for the task's final status and ends the run with it. */
@Named
@Dependent
public class CollectOutputsBatchlet extends AbstractBatchlet {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    Runs runs;

    @Inject
    RunExecutor executor;

    @Inject
    ComputeGateway gateway;

    @Override
    public String process() {
        Run run = runs.find(runId);
        if (run.getState().isTerminal() || run.getBackendId() == null) {
            return run.getState().name();
        }
        TaskStatus status;
        try (ComputeConnection connection = gateway.connect(run.getPool())) {
            status = connection.status(run.getBackendId());
        }
        executor.finish(runId, status);
        return executor.state(runId).name();
    }
}
