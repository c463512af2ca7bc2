package io.cairn.runs.batch;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskState;
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
        if (backendId != null) {
            LOG.info(() -> "run " + runId + ": adopting task " + run.getBackendId() + " on pool " + run.getPool());
        }
        while (true) {
            if (backendId == null) {
                Submission submitted = submit(run.getPool());
                if (submitted.backendId() == null) {
                    return submitted.end();
                }
                backendId = submitted.backendId();
            }
            TaskStatus status = awaitEnd(run.getPool(), backendId);
            if (status == null) {
                return BatchStatus.STOPPED.name();
            }
            if (status.state() != TaskState.SYSTEM_ERROR && status.state() != TaskState.EXECUTOR_ERROR) {
                return status.state().name();
            }
            // the pool lost the task, or the tool exited with a temporaryFailCode: another attempt if the run's
            // retry policy allows it
            Optional<Duration> pause = executor.retryAfterFailure(runId, status);
            if (pause.isEmpty()) {
                return status.state().name();
            }
            String failed = backendId;
            LOG.info(() -> "run " + runId + ": task " + failed + " on pool " + run.getPool() + " ended "
                    + status.state() + " (" + (status.exitCode() != null ? "exit code " + status.exitCode()
                    : status.message()) + "); running it again in " + pause.get().toMillis() + " ms");
            sleep(pause.get());
            backendId = null;
        }
    }

    /** What a submission came to: the task's backend id, or the exit status of a run that ended instead. */
    private record Submission(String backendId, String end) {
        static Submission ended(String end) {
            return new Submission(null, end);
        }
    }

    /** Submits the run's task, waiting while the pool is down. */
    private Submission submit(String pool) {
        Duration wait = settings.retryDelay();
        while (true) {
            if (stopRequested || executor.state(runId) == RunState.CANCELING) {
                executor.canceled(runId, "canceled on request");
                return Submission.ended(BatchStatus.STOPPED.name());
            }
            try (ComputeConnection connection = gateway.connect(pool)) {
                String backendId = connection.submit(executor.taskSpec(runId));
                executor.recordSubmitted(runId, backendId);
                return new Submission(backendId, null);
            } catch (IllegalArgumentException refused) {
                executor.settle(runId, "the pool refused the task: " + refused.getMessage());
                return Submission.ended(RunState.SYSTEM_ERROR.name());
            } catch (ComputeException | Problem e) {
                Optional<String> down = gateway.downReason(pool);
                if (down.isEmpty()) {
                    executor.settle(runId, "the pool refused the task: " + e.getMessage());
                    return Submission.ended(RunState.SYSTEM_ERROR.name());
                }
                // the pool is down: the run waits for it instead of failing
                LOG.info(() -> "run " + runId + ": pool " + pool + " is down (" + down.get() + "); waiting");
                executor.waitForPool(runId, StepRun.POOL_WAIT + pool + ": " + down.get());
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay()
                        : wait.multipliedBy(2);
            }
        }
    }

    /** Waits until the task ends; its final status, or null when the run was canceled meanwhile. */
    private TaskStatus awaitEnd(String pool, String backendId) {
        Duration poll = Duration.ofSeconds(Math.max(1, settings.pollSeconds()));
        boolean unanswered = false;
        while (true) {
            if (stopRequested || executor.state(runId) == RunState.CANCELING) {
                cancel(pool, backendId);
                executor.canceled(runId, "canceled on request");
                return null;
            }
            TaskStatus status;
            try (ComputeConnection connection = gateway.connect(pool)) {
                status = connection.await(backendId, poll);
            } catch (ComputeException e) {
                // said once per outage, with the reason; the run keeps asking
                if (!unanswered) {
                    LOG.warning(() -> "run " + runId + ": pool " + pool + " did not answer (" + e.getMessage()
                            + "); asking again until it does");
                    unanswered = true;
                }
                sleep(poll);
                continue;
            }
            if (unanswered) {
                LOG.info(() -> "run " + runId + ": pool " + pool + " answers again");
                unanswered = false;
            }
            if (status.state().isTerminal()) {
                return status;
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
