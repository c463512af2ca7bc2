package io.cairn.runs.batch;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.Problem;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.control.WorkflowExecutor;
import io.cairn.runs.entity.RunState;
import io.cairn.runs.entity.StepRun;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.BatchStatus;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a workflow's DAG: plans, submits every ready step instance to the run's pool (the pool
 * runs as many at once as it has slots and queues the rest), waits until one of the submitted
 * instances ends, records it, and plans again, until the DAG is done or a step instance failed.
 * Each backend id is committed before it is waited on. A stop request cancels every running step
 * instance on its backend.
 */
@Named
@Dependent
public class DispatchStepsBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(DispatchStepsBatchlet.class.getName());
    /** Shortest and longest pause between looks at the running instances. */
    private static final long MIN_PAUSE_MS = 5;
    private static final long MAX_PAUSE_MS = 250;

    @Inject
    @BatchProperty
    String runId;

    @Inject
    Runs runs;

    @Inject
    WorkflowExecutor executor;

    @Inject
    ComputeGateway gateway;

    @Inject
    CairnSettings settings;

    private volatile boolean stopRequested;

    /** Step instances already recorded as RUNNING by this dispatcher, so that a poll writes changes only. */
    private final Set<String> seenRunning = new HashSet<>();

    @Override
    public String process() {
        String pool = runs.find(runId).getPool();
        Duration poolWait = settings.retryDelay();
        while (true) {
            boolean poolDown = false;
            if (stopRequested || executor.state(runId) == RunState.CANCELING) {
                cancelAll(pool);
                executor.canceled(runId, "canceled on request");
                return BatchStatus.STOPPED.name();
            }
            WorkflowExecutor.Advance next = executor.advance(runId);
            if (next.done()) {
                // a failed step ends the run; what else still runs is of no use now
                next.running().forEach(r -> cancel(pool, r.backendId()));
                return executor.state(runId).name();
            }
            List<WorkflowExecutor.Running> running = new ArrayList<>(next.running());
            boolean endedHere = false;
            Instant wakeAt = next.wakeAt();
            Map<String, String> submitted = new LinkedHashMap<>();
            for (String stepId : next.queued()) {
                TaskSpec spec = executor.stageStep(stepId);
                if (spec == null) {
                    // served from the call cache, or refused while staging: plan again at once
                    endedHere = true;
                    continue;
                }
                try (ComputeConnection connection = gateway.connect(pool)) {
                    String backendId = connection.submit(spec);
                    submitted.put(stepId, backendId);
                    running.add(new WorkflowExecutor.Running(stepId, backendId, pool));
                } catch (IllegalArgumentException e) {
                    executor.failStep(stepId, "the pool refused the task: " + e.getMessage());
                } catch (ComputeException | Problem e) {
                    Optional<String> down = gateway.downReason(pool);
                    if (down.isEmpty()) {
                        executor.failStep(stepId, "the pool refused the task: " + e.getMessage());
                        continue;
                    }
                    // the pool is down: the instance stays queued, staged, and is submitted again later
                    Instant at = Instant.now().plus(poolWait);
                    executor.waitForPool(stepId, at, StepRun.POOL_WAIT + pool + ": " + down.get());
                    wakeAt = wakeAt == null || at.isBefore(wakeAt) ? at : wakeAt;
                    poolDown = true;
                }
            }
            // one transaction for the round, committed before anyone waits on these tasks (a crash before it
            // submits them again under the same task ids, which every backend takes as the same task)
            if (!submitted.isEmpty()) {
                executor.recordSubmitted(submitted);
            }
            if (poolDown) {
                poolWait = poolWait.multipliedBy(2).compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay()
                        : poolWait.multipliedBy(2);
            } else {
                poolWait = settings.retryDelay();
            }
            if (!running.isEmpty() && !endedHere) {
                waitForAnEnd(pool, running, wakeAt);
            } else if (running.isEmpty() && !endedHere && wakeAt != null) {
                // only retries or a pool that is down are left: wait for the first to be due
                waitUntil(wakeAt);
            }
        }
    }

    /** Sleeps until {@code at}, a stop request or a cancel, whichever comes first. */
    private void waitUntil(Instant at) {
        while (!stopRequested && Instant.now().isBefore(at)) {
            if (executor.state(runId) == RunState.CANCELING) {
                return;
            }
            sleep(Math.max(1, Math.min(MAX_PAUSE_MS, Duration.between(Instant.now(), at).toMillis())));
        }
    }

    /**
     * Returns once at least one of the running instances has ended and been recorded, a retry is
     * due ({@code wakeAt}, may be null), or a stop is asked.
     */
    private void waitForAnEnd(String pool, List<WorkflowExecutor.Running> running, Instant wakeAt) {
        long pause = MIN_PAUSE_MS;
        long checkStopAt = System.nanoTime() + settings.pollSeconds() * 1_000_000_000L;
        boolean unanswered = false;
        while (!stopRequested) {
            if (wakeAt != null && !Instant.now().isBefore(wakeAt)) {
                return;
            }
            Map<String, TaskStatus> ended = new LinkedHashMap<>();
            boolean failed = false;
            try (ComputeConnection connection = gateway.connect(pool)) {
                for (WorkflowExecutor.Running r : running) {
                    TaskStatus status = connection.status(r.backendId());
                    if (status.state().isTerminal()) {
                        ended.put(r.stepId(), status);
                    } else if (status.state() == TaskState.RUNNING && seenRunning.add(r.stepId())) {
                        // only the change is written
                        executor.observe(r.stepId(), status);
                    }
                }
            } catch (ComputeException e) {
                // said once per outage, with the reason; the dispatcher keeps asking
                if (!unanswered) {
                    LOG.warning(() -> "run " + runId + ": pool " + pool + " did not answer (" + e.getMessage()
                            + "); asking again until it does");
                    unanswered = true;
                }
                failed = true;
            }
            if (unanswered && !failed) {
                LOG.info(() -> "run " + runId + ": pool " + pool + " answers again");
                unanswered = false;
            }
            if (!ended.isEmpty()) {
                executor.finishSteps(ended);
                seenRunning.removeAll(ended.keySet());
                return;
            }
            if (System.nanoTime() > checkStopAt) {
                if (executor.state(runId) == RunState.CANCELING) {
                    return;
                }
                checkStopAt = System.nanoTime() + settings.pollSeconds() * 1_000_000_000L;
            }
            sleep(pause);
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    private void cancelAll(String pool) {
        for (WorkflowExecutor.Running r : executor.advance(runId).running()) {
            cancel(pool, r.backendId());
        }
    }

    private void cancel(String pool, String backendId) {
        try (ComputeConnection connection = gateway.connect(pool)) {
            connection.cancel(backendId);
        } catch (ComputeException e) {
            LOG.log(Level.WARNING, "run " + runId + ": could not cancel task " + backendId + " on pool " + pool, e);
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // not a stop request (that comes through stop()); a server going down leaves the run
            // RUNNING in the database and the next server picks it up
            LOG.fine(() -> "run " + runId + ": wait interrupted");
        }
    }
}
