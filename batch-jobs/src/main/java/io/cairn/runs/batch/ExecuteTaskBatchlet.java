package io.cairn.runs.batch;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskStatus;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.Problem;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.control.RunExecutor;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import io.cairn.runs.entity.StepRun;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.BatchStatus;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Submits the run's task to its pool, or adopts the task submitted before a restart, and waits
 * until it ends. The backend id is committed before the first wait. A stop request cancels the
 * task on the backend.
 */
@Named
@Dependent
public class ExecuteTaskBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(ExecuteTaskBatchlet.class.getName());

    @Inject
    @BatchProperty
    String runId;

    @Inject
    Runs runs;

    @Inject
    RunExecutor executor;

    @Inject
    ComputeGateway gateway;

    @Inject
    CairnSettings settings;

    private volatile boolean stopRequested;

    @Override
    public String process() {
        Run run = runs.find(runId);
        if (run.getState().isTerminal()) {
            return run.getState().name();
        }
        String backendId = run.getBackendId();
        if (backendId == null) {
            Duration wait = settings.retryDelay();
            while (backendId == null) {
                if (stopRequested || executor.state(runId) == RunState.CANCELING) {
                    executor.canceled(runId, "canceled on request");
                    return BatchStatus.STOPPED.name();
                }
                try (ComputeConnection connection = gateway.connect(run.getPool())) {
                    backendId = connection.submit(executor.taskSpec(runId));
                } catch (IllegalArgumentException refused) {
                    executor.settle(runId, "the pool refused the task: " + refused.getMessage());
                    return RunState.SYSTEM_ERROR.name();
                } catch (ComputeException | Problem e) {
                    Optional<String> down = gateway.downReason(run.getPool());
                    if (down.isEmpty()) {
                        executor.settle(runId, "the pool refused the task: " + e.getMessage());
                        return RunState.SYSTEM_ERROR.name();
                    }
                    // the pool is down: the run waits for it instead of failing
                    LOG.info(() -> "run " + runId + ": pool " + run.getPool() + " is down (" + down.get() + "); waiting");
                    executor.waitForPool(runId, StepRun.POOL_WAIT + run.getPool() + ": " + down.get());
                    sleep(wait);
                    wait = wait.multipliedBy(2).compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay()
                            : wait.multipliedBy(2);
                }
            }
            executor.recordSubmitted(runId, backendId);
        } else {
            LOG.info(() -> "run " + runId + ": adopting task " + run.getBackendId() + " on pool " + run.getPool());
        }
        Duration poll = Duration.ofSeconds(Math.max(1, settings.pollSeconds()));
        boolean unanswered = false;
        while (true) {
            if (stopRequested || executor.state(runId) == RunState.CANCELING) {
                cancel(run.getPool(), backendId);
                executor.canceled(runId, "canceled on request");
                return BatchStatus.STOPPED.name();
            }
            TaskStatus status;
            try (ComputeConnection connection = gateway.connect(run.getPool())) {
                status = connection.await(backendId, poll);
            } catch (ComputeException e) {
                // said once per outage, with the reason; the run keeps asking
                if (!unanswered) {
                    LOG.warning(() -> "run " + runId + ": pool " + run.getPool() + " did not answer (" + e.getMessage()
                            + "); asking again until it does");
                    unanswered = true;
                }
                sleep(poll);
                continue;
            }
            if (unanswered) {
                LOG.info(() -> "run " + runId + ": pool " + run.getPool() + " answers again");
                unanswered = false;
            }
            if (status.state().isTerminal()) {
                return status.state().name();
            }
            executor.observe(runId, status);
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    private void cancel(String pool, String backendId) {
        try (ComputeConnection connection = gateway.connect(pool)) {
            connection.cancel(backendId);
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            // Not a stop request (that comes through stop()); if the server is going down, the run
            // stays RUNNING in the database and the next server resumes it.
            LOG.fine(() -> "run " + runId + ": wait interrupted");
        }
    }
}
