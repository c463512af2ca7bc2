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
import io.cairn.runs.control.UnfinishedSteps;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a workflow's DAG: plans, stages and submits every ready step instance to the run's pool in
 * rounds (one transaction to stage a round, one to record its backend ids; the pool runs as many
 * at once as it has slots and queues the rest), waits until one of the submitted instances ends
 * (the pool wakes it, {@link ComputeConnection#awaitAny}), records the ends, and plans again when
 * an end can change the plan: a failure, a retry, or the last instance of a step
 * ({@link UnfinishedSteps}). Until the DAG is done or a step instance failed. Each backend id is
 * committed before it is waited on. A stop request cancels every running step instance on its
 * backend.
 */
@Named
@Dependent
public class DispatchStepsBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(DispatchStepsBatchlet.class.getName());
    /** Longest wait for an end before the dispatcher looks at a stop request, a due retry or a cancel. */
    private static final long MAX_PAUSE_MS = 250;
    /** Step instances staged in one transaction and submitted on one connection. */
    private static final int ROUND = 100;
    /**
     * How long the ends of a wide step are gathered before they are recorded in one transaction. The pool keeps its
     * slots busy from its own queue meanwhile; an end that can change the plan (a failure, the last instance of a
     * step) is recorded at once.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** At most this many ends go into one transaction. */
    private static final int GATHER_MAX = 200;

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

    /**
     * The plan made and the first round staged in the transaction that recorded the last ends (see
     * {@link WorkflowExecutor#finishAndAdvance}), for the next turn of the loop to use instead of planning again.
     */
    private WorkflowExecutor.Finished planned;

    /** Why the pool was last found down, for the instances that wait for it. */
    private String poolDownReason = "";

    @Override
    public String process() {
        String pool = runs.find(runId).getPool();
        Duration poolWait = settings.retryDelay();
        List<WorkflowExecutor.Running> running = new ArrayList<>();
        UnfinishedSteps unfinished = null;
        Instant wakeAt = null;
        boolean plan = true;
        while (true) {
            boolean poolDown = false;
            if (stopRequested || executor.state(runId) == RunState.CANCELING) {
                cancelAll(pool);
                executor.canceled(runId, "canceled on request");
                return BatchStatus.STOPPED.name();
            }
            List<String> queued = List.of();
            Map<String, TaskSpec> firstRound = null;
            if (plan) {
                WorkflowExecutor.Advance next;
                if (planned != null) {
                    next = planned.next();
                    firstRound = planned.staged();
                } else {
                    next = executor.advance(runId);
                }
                planned = null;
                if (next.done()) {
                    // a failed step ends the run; what else still runs is of no use now
                    next.running().forEach(r -> cancel(pool, r.backendId()));
                    return executor.state(runId).name();
                }
                running = new ArrayList<>(next.running());
                unfinished = new UnfinishedSteps(next.unfinished());
                wakeAt = next.wakeAt();
                queued = next.queued();
                plan = false;
            }
            for (int from = 0; from < queued.size(); from += ROUND) {
                List<String> round = queued.subList(from, Math.min(queued.size(), from + ROUND));
                Map<String, TaskSpec> staged = from == 0 && firstRound != null ? firstRound : executor.stageSteps(round);
                if (staged.size() < round.size()) {
                    // served from the call cache, or refused while staging: plan again at once
                    plan = true;
                }
                Map<String, String> submitted = new LinkedHashMap<>();
                try (ComputeConnection connection = gateway.connect(pool)) {
                    for (Map.Entry<String, TaskSpec> entry : staged.entrySet()) {
                        String stepId = entry.getKey();
                        if (poolDown) {
                            executor.waitForPool(stepId, wakeAt, StepRun.POOL_WAIT + pool + ": " + poolDownReason);
                            continue;
                        }
                        try {
                            String backendId = connection.submit(entry.getValue());
                            submitted.put(stepId, backendId);
                            running.add(new WorkflowExecutor.Running(stepId, backendId, pool));
                        } catch (IllegalArgumentException e) {
                            executor.failStep(stepId, "the pool refused the task: " + e.getMessage());
                            plan = true;
                        } catch (ComputeException | Problem e) {
                            Optional<String> down = gateway.downReason(pool);
                            if (down.isEmpty()) {
                                executor.failStep(stepId, "the pool refused the task: " + e.getMessage());
                                plan = true;
                                continue;
                            }
                            // the pool is down: the instance stays queued, staged, and is submitted again later
                            Instant at = Instant.now().plus(poolWait);
                            poolDownReason = down.get();
                            executor.waitForPool(stepId, at, StepRun.POOL_WAIT + pool + ": " + poolDownReason);
                            wakeAt = wakeAt == null || at.isBefore(wakeAt) ? at : wakeAt;
                            poolDown = true;
                        }
                    }
                } catch (ComputeException | Problem e) {
                    // no connection to the pool at all: what is not submitted waits for it like a pool that is down
                    Instant at = Instant.now().plus(poolWait);
                    poolDownReason = gateway.downReason(pool).orElse(e.getMessage());
                    for (String stepId : staged.keySet()) {
                        if (!submitted.containsKey(stepId)) {
                            executor.waitForPool(stepId, at, StepRun.POOL_WAIT + pool + ": " + poolDownReason);
                        }
                    }
                    wakeAt = wakeAt == null || at.isBefore(wakeAt) ? at : wakeAt;
                    poolDown = true;
                }
                // one transaction for the round, committed before anyone waits on these tasks (a crash before it
                // submits them again under the same task ids, which every backend takes as the same task)
                if (!submitted.isEmpty()) {
                    executor.recordSubmitted(submitted);
                }
            }
            if (poolDown) {
                poolWait = poolWait.multipliedBy(2).compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay()
                        : poolWait.multipliedBy(2);
            } else if (!queued.isEmpty()) {
                poolWait = settings.retryDelay();
            }
            if (plan) {
                continue;
            }
            if (!running.isEmpty()) {
                Map<String, RunState> ended = waitForAnEnd(pool, running, wakeAt, unfinished);
                if (ended == null) {
                    // a retry is due, a cancel or stop was asked
                    plan = true;
                    continue;
                }
                running.removeIf(r -> ended.containsKey(r.stepId()));
                // an end that failed or waits for a retry changes the run; one that completed its step may make
                // others ready; the other ends change nothing to plan
                plan = ended.values().stream().anyMatch(state -> state != RunState.COMPLETE)
                        | unfinished.end(ended.keySet());
                if (!plan) {
                    planned = null; // made for nothing: the next plan is made afresh when it is due
                }
            } else {
                if (wakeAt != null) {
                    // only retries or a pool that is down are left: wait for the first to be due
                    waitUntil(wakeAt);
                }
                plan = true;
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
     * Waits until at least one of the running instances has ended and records the ends, in one transaction. Ends
     * that cannot change the plan (completed instances of a step that has more running) are gathered for up to
     * {@link #GATHER_NANOS} first, so that a wide scatter records its ends in a few transactions, not one each.
     *
     * @return the state each ended instance is in now, or null when a retry is due ({@code wakeAt}, may be null),
     *         a cancel or a stop was asked before any ended
     */
    private Map<String, RunState> waitForAnEnd(String pool, List<WorkflowExecutor.Running> running, Instant wakeAt,
            UnfinishedSteps unfinished) {
        long checkStopAt = System.nanoTime() + settings.pollSeconds() * 1_000_000_000L;
        boolean unanswered = false;
        Map<String, String> stepOf = new HashMap<>();
        running.forEach(r -> stepOf.put(r.backendId(), r.stepId()));
        Map<String, TaskStatus> ended = new LinkedHashMap<>();
        long gatherUntil = 0;
        while (!stopRequested) {
            Instant now = Instant.now();
            if (wakeAt != null && !now.isBefore(wakeAt)) {
                return ended.isEmpty() ? null : record(ended);
            }
            long waitMs = MAX_PAUSE_MS;
            if (wakeAt != null) {
                waitMs = Math.max(1, Math.min(waitMs, Duration.between(now, wakeAt).toMillis()));
            }
            if (!ended.isEmpty()) {
                long left = gatherUntil - System.nanoTime();
                if (left <= 0) {
                    return record(ended);
                }
                waitMs = Math.max(1, Math.min(waitMs, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            Map<String, TaskStatus> started = new LinkedHashMap<>();
            boolean failed = false;
            try (ComputeConnection connection = gateway.connect(pool)) {
                // returns at the first end (the pool signals it), or after the pause
                Map<String, TaskStatus> statuses = connection.awaitAny(stepOf.keySet(), Duration.ofMillis(waitMs));
                for (Map.Entry<String, TaskStatus> entry : statuses.entrySet()) {
                    String stepId = stepOf.get(entry.getKey());
                    TaskStatus status = entry.getValue();
                    if (stepId == null) {
                        continue;
                    }
                    if (status.state().isTerminal()) {
                        ended.put(stepId, status);
                        stepOf.remove(entry.getKey()); // not asked for again while more ends are gathered
                    } else if (status.state() == TaskState.RUNNING && seenRunning.add(stepId)) {
                        started.put(stepId, status); // only the change is written
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
                sleep(MAX_PAUSE_MS);
            }
            if (!started.isEmpty()) {
                // what one look found started, in one transaction; an instance that also ended is left to its end
                executor.observe(started);
            }
            if (unanswered && !failed) {
                LOG.info(() -> "run " + runId + ": pool " + pool + " answers again");
                unanswered = false;
            }
            if (!ended.isEmpty()) {
                if (gatherUntil == 0) {
                    gatherUntil = System.nanoTime() + GATHER_NANOS;
                }
                boolean mayChangePlan = ended.values().stream().anyMatch(status -> status.state() != TaskState.COMPLETE)
                        || unfinished == null || unfinished.wouldEndAStep(ended.keySet());
                if (mayChangePlan) {
                    return recordAndPlan(ended);
                }
                if (stepOf.isEmpty() || ended.size() >= GATHER_MAX) {
                    return record(ended);
                }
                continue;
            }
            if (System.nanoTime() > checkStopAt) {
                if (executor.state(runId) == RunState.CANCELING) {
                    return null;
                }
                checkStopAt = System.nanoTime() + settings.pollSeconds() * 1_000_000_000L;
            }
        }
        return ended.isEmpty() ? null : record(ended); // a stop request: what ended before it is kept
    }

    private Map<String, RunState> record(Map<String, TaskStatus> ended) {
        seenRunning.removeAll(ended.keySet());
        planned = null;
        return executor.finishSteps(ended);
    }

    /** {@link #record}, with the next plan made and its first round staged in the same transaction. */
    private Map<String, RunState> recordAndPlan(Map<String, TaskStatus> ended) {
        seenRunning.removeAll(ended.keySet());
        planned = executor.finishAndAdvance(runId, ended, ROUND);
        return planned.states();
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
