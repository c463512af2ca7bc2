package io.cairn.runs.control;

import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlException;
import io.cairn.cwl.CwlProcess;
import io.cairn.cwl.DagPlanner;
import io.cairn.cwl.ExpressionTool;
import io.cairn.cwl.JobInputs;
import io.cairn.cwl.Workflow;
import io.cairn.files.boundary.FileStore;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.JsonValues;
import io.cairn.platform.Problem;
import io.cairn.cwl.DockerRequirement;
import io.cairn.runs.entity.CacheEntry;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import io.cairn.runs.entity.StepRun;
import io.cairn.tools.boundary.ToolCatalog;
import io.cairn.tools.entity.ToolVersion;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work of a workflow run's batch steps. The DAG's state is the run's {@link StepRun} rows:
 * {@link #advance} plans from the finished ones ({@link DagPlanner}) and records a row for every
 * step instance that became ready; the dispatcher then stages and submits them and reports each
 * end. Every method runs in its own transaction and is idempotent, so a run picked up again after
 * a crash goes on from what is recorded: finished instances are not run again, submitted ones are
 * adopted by their backend id.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class WorkflowExecutor {

    /** A step instance that runs on a backend. */
    public record Running(String stepId, String backendId, String pool) {
    }

    /**
     * What the dispatcher does next.
     *
     * @param done    the DAG is complete or the run has ended
     * @param queued  step instances to stage and submit
     * @param running step instances submitted and not yet ended
     * @param wakeAt  when the first step instance waiting for a retry is due, or null
     * @param unfinished the step key of every instance not yet ended (queued, running or waiting for a retry), by
     *                   instance id: with it the dispatcher knows which ends can make another step ready
     */
    public record Advance(boolean done, List<String> queued, List<Running> running, Instant wakeAt,
                          Map<String, String> unfinished) {

        public Advance(boolean done, List<String> queued, List<Running> running) {
            this(done, queued, running, null, Map.of());
        }
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    ToolCatalog catalog;

    @Inject
    FileStore files;

    @Inject
    CairnSettings settings;

    /** Resolves the workflow's inputs against its declaration (defaults applied) and records them. */
    public void stage(String runId) {
        Run run = run(runId);
        if (run.getState().isTerminal() || run.isStaged()) {
            return;
        }
        try {
            Workflow wf = workflow(run);
            Map<String, Object> resolved = JobInputs.resolve(wf.inputs(), jobObject(run.getInputs()));
            run.recordStaging(JsonValues.write(resolved), null, null, null);
            run.moveTo(RunState.INITIALIZING);
        } catch (CwlException | Problem e) {
            run.fail(RunState.SYSTEM_ERROR, "staging failed: " + e.getMessage());
        }
    }

    /**
     * Plans the run from its finished step instances: records the newly ready ones, fails the run
     * when a step instance failed, and tells the dispatcher what to do.
     */
    public Advance advance(String runId) {
        Run run = run(runId);
        List<StepRun> steps = steps(runId);
        List<Running> running = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        Instant now = Instant.now();
        Instant wakeAt = null;
        Map<String, String> unfinished = new HashMap<>();
        for (StepRun s : steps) {
            if (!s.getState().isTerminal()) {
                unfinished.put(s.getId(), s.getStepKey());
                if (s.getBackendId() != null) {
                    running.add(new Running(s.getId(), s.getBackendId(), run.getPool()));
                } else if (s.isDue(now)) {
                    queued.add(s.getId());
                } else if (wakeAt == null || s.getRetryAt().isBefore(wakeAt)) {
                    wakeAt = s.getRetryAt();
                }
            }
        }
        if (run.getState().isTerminal() || run.getState() == RunState.CANCELING) {
            return new Advance(true, List.of(), running);
        }
        for (StepRun s : steps) {
            if (s.getState().isTerminal() && s.getState() != RunState.COMPLETE) {
                RunState end = s.getState() == RunState.EXECUTOR_ERROR ? RunState.EXECUTOR_ERROR : RunState.SYSTEM_ERROR;
                run.fail(end, "step " + s.getStepKey() + " ended " + s.getState()
                        + (s.getMessage() == null ? "" : ": " + s.getMessage()));
                return new Advance(true, List.of(), running);
            }
        }
        DagPlanner.Plan plan;
        try {
            plan = plan(run, steps);
        } catch (CwlException | Problem e) {
            run.fail(RunState.SYSTEM_ERROR, "the workflow could not be evaluated: " + e.getMessage());
            return new Advance(true, List.of(), running);
        }
        if (plan.complete()) {
            return new Advance(true, List.of(), List.of());
        }
        Set<String> known = new HashSet<>();
        steps.forEach(s -> known.add(s.getStepKey()));
        int seq = steps.size();
        for (DagPlanner.Task task : plan.ready()) {
            if (known.add(task.key())) {
                StepRun step = new StepRun(runId, task.key(), seq++, JsonValues.write(task.inputs()));
                em.persist(step);
                queued.add(step.getId());
                unfinished.put(step.getId(), step.getStepKey());
            }
        }
        run.moveTo(RunState.RUNNING);
        return new Advance(false, queued, running, wakeAt, unfinished);
    }

    /** Records the workflow's outputs once its DAG is complete; the run ends COMPLETE. */
    public void collect(String runId) {
        Run run = run(runId);
        if (run.getState().isTerminal()) {
            return;
        }
        try {
            DagPlanner.Plan plan = plan(run, steps(runId));
            if (!plan.complete()) {
                run.fail(RunState.SYSTEM_ERROR, "the run's dispatch ended before its steps did");
                return;
            }
            run.recordOutputs(JsonValues.write(plan.outputs()));
            run.moveTo(RunState.COMPLETE);
        } catch (CwlException | Problem e) {
            run.fail(RunState.SYSTEM_ERROR, "the workflow's outputs could not be worked out: " + e.getMessage());
        }
    }

    /**
     * Copies a step instance's input files into its folder and builds its command line. Inputs the
     * step's tool refuses end the instance (and so the run) with the reason.
     *
     * @return the task to submit, or null when the instance ended here
     */
    public TaskSpec stageStep(String stepId) {
        StepRun step = step(stepId);
        if (step.getState().isTerminal()) {
            return null;
        }
        Run run = em.find(Run.class, step.getRunId());
        RunWorkspace workspace = workspace(step);
        CommandLineTool tool;
        try {
            tool = DagPlanner.toolAt(workflow(run), step.getStepKey());
        } catch (CwlException e) {
            step.fail(RunState.SYSTEM_ERROR, e.getMessage());
            return null;
        }
        if (!step.isStaged()) {
            try {
                // a retried instance starts from an empty folder
                deleteTree(workspace.root());
                ToolInvocation.Staged staged = new ToolInvocation(files).stage(tool, jobObject(step.getInputs()), workspace);
                step.recordStaging(staged.stagedInputs(), staged.commandLine(), staged.stdout(), staged.stderr());
                step.moveTo(RunState.INITIALIZING);
                if (tool.workReuse()) {
                    CacheKey key = CacheKey.of(CacheKey.toolIdentity(version(run).getSha256(), step.getStepKey()),
                            staged.stagedInputs(), staged.commandLine(),
                            tool.docker().map(DockerRequirement::image).orElse(null), workspace.root(),
                            workspace.inputs());
                    step.recordCacheKey(JsonValues.write(key.asMap()));
                }
            } catch (CwlException | Problem | IllegalArgumentException e) {
                step.fail(RunState.SYSTEM_ERROR, "staging failed: " + e.getMessage());
                return null;
            } catch (IOException | UncheckedIOException e) {
                step.fail(RunState.SYSTEM_ERROR, "staging failed: could not prepare " + workspace.root() + ": " + e.getMessage());
                return null;
            }
        }
        if (run.usesCache() && step.getCacheKey() != null) {
            CacheKey key = cacheKey(step);
            List<CacheEntry> hits = em.createNamedQuery(CacheEntry.BY_KEY, CacheEntry.class)
                    .setParameter("key", key.value()).setMaxResults(1).getResultList();
            if (!hits.isEmpty()) {
                step.completeFromCache(hits.get(0).getOutputs(), hits.get(0).getStepId());
                return null;
            }
        }
        return ToolInvocation.taskSpec(step.taskId(), tool, workspace, step.getCommandLine(), step.getStdoutPath(),
                step.getStderrPath());
    }

    /**
     * Stages several step instances in one transaction, as {@link #stageStep} does each.
     *
     * @return the tasks to submit by instance id, in the order given; an instance that ended here (served from the
     *         call cache, refused while staging) is left out
     */
    public Map<String, TaskSpec> stageSteps(List<String> stepIds) {
        Map<String, TaskSpec> specs = new LinkedHashMap<>();
        for (String stepId : stepIds) {
            TaskSpec spec = stageStep(stepId);
            if (spec != null) {
                specs.put(stepId, spec);
            }
        }
        return specs;
    }

    /** Records the backend id of a step instance's task; committed before anyone waits on it. */
    public void recordSubmitted(String stepId, String backendId) {
        StepRun step = step(stepId);
        step.recordBackendId(backendId);
    }

    /**
     * Records the backend ids of several step instances in one transaction (the dispatcher submits a round of
     * instances, then records them all before it waits on any).
     */
    public void recordSubmitted(Map<String, String> backendIds) {
        backendIds.forEach((stepId, backendId) -> step(stepId).recordBackendId(backendId));
    }

    /**
     * Ends several step instances in one transaction; see {@link #finishStep(String, TaskStatus)}.
     *
     * @return the state each instance is in afterwards (QUEUED for one that waits for a retry)
     */
    public Map<String, RunState> finishSteps(Map<String, TaskStatus> ended) {
        Map<String, RunState> states = new LinkedHashMap<>();
        ended.forEach((stepId, status) -> {
            finishStep(stepId, status);
            states.put(stepId, step(stepId).getState());
        });
        return states;
    }

    /**
     * What {@link #finishAndAdvance} did: the state of each ended instance afterwards, what the dispatcher does next,
     * and the first {@code round} of the queued instances staged (as {@link #stageSteps} gives them).
     */
    public record Finished(Map<String, RunState> states, Advance next, Map<String, TaskSpec> staged) {
    }

    /**
     * {@link #finishSteps}, then {@link #advance} and {@link #stageSteps} of the first {@code round} instances that are
     * ready, in one transaction instead of three: what a chain of steps does at every end.
     */
    public Finished finishAndAdvance(String runId, Map<String, TaskStatus> ended, int round) {
        Map<String, RunState> states = finishSteps(ended);
        Advance next = advance(runId);
        em.flush(); // the instances it made: staging locks each with a SELECT ... FOR UPDATE, which reads the database
        Map<String, TaskSpec> staged = next.done() ? Map.of()
                : stageSteps(next.queued().subList(0, Math.min(round, next.queued().size())));
        return new Finished(states, next, staged);
    }

    /** Keeps a staged step instance queued until {@code at}: its pool is down. */
    public void waitForPool(String stepId, Instant at, String reason) {
        step(stepId).waitForPool(at, reason);
    }

    /** Ends a step instance that could not be submitted. */
    public void failStep(String stepId, String reason) {
        step(stepId).fail(RunState.SYSTEM_ERROR, reason);
    }

    /** Ends a step instance from its task's final status, collecting its outputs on success. */
    public void finishStep(String stepId, TaskStatus status) {
        StepRun step = step(stepId);
        if (step.getState().isTerminal()) {
            return;
        }
        step.recordStart(status.startedAt());
        switch (status.state()) {
            case CANCELED -> step.fail(RunState.CANCELED, status.message() == null ? "canceled" : status.message());
            case SYSTEM_ERROR -> retryOrFail(step, RunState.SYSTEM_ERROR, "the pool lost the task: " + status.message());
            default -> {
                if (status.state() == TaskState.EXECUTOR_ERROR && status.exitCode() == null) {
                    // the backend ended the tool itself, for instance at its ToolTimeLimit
                    step.fail(RunState.EXECUTOR_ERROR, status.message());
                } else {
                    finishWithExitCode(step, status.exitCode());
                }
            }
        }
    }

    /** Follows the backend's word while a step instance runs. */
    public void observe(String stepId, TaskStatus status) {
        if (status.state() == TaskState.RUNNING) {
            step(stepId).moveTo(RunState.RUNNING);
        }
    }

    /** {@link #observe} for several step instances, in one transaction (what one look at the pool found). */
    public void observe(Map<String, TaskStatus> statuses) {
        statuses.forEach(this::observe);
    }

    /**
     * Opens a failed or canceled workflow run again: its failed and canceled step instances will
     * run again, the finished ones are kept.
     *
     * @throws Problem CONFLICT when the run is not a workflow run that failed or was canceled
     */
    public void reopen(String runId) {
        Run run = run(runId);
        if (!run.runsAsWorkflow()) {
            throw Problem.conflict("run " + runId + " is a tool run; submit it again instead of resuming it");
        }
        if (!run.reopen()) {
            throw Problem.conflict("run " + runId + " is " + run.getState() + "; only a run that failed or was canceled can be resumed");
        }
        for (StepRun s : steps(runId)) {
            s.retry();
        }
    }

    /** Ends a canceled run and every step instance of it that had not ended. */
    public void canceled(String runId, String reason) {
        Run run = run(runId);
        for (StepRun s : steps(runId)) {
            s.fail(RunState.CANCELED, reason);
        }
        run.fail(RunState.CANCELED, reason);
    }

    /** The run's step instances in the order they were made. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<StepRun> steps(String runId) {
        return em.createNamedQuery(StepRun.BY_RUN, StepRun.class).setParameter("run", runId).getResultList();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public RunState state(String runId) {
        Run run = em.find(Run.class, runId);
        if (run == null) {
            throw Problem.notFound("no run with id '" + runId + "'");
        }
        return run.getState();
    }

    private void finishWithExitCode(StepRun step, Integer exitCode) {
        step.recordExitCode(exitCode);
        Run run = em.find(Run.class, step.getRunId());
        CommandLineTool tool = DagPlanner.toolAt(workflow(run), step.getStepKey());
        if (exitCode != null && tool.temporaryFailCodes().contains(exitCode)) {
            retryOrFail(step, RunState.EXECUTOR_ERROR, "the tool exited with code " + exitCode
                    + ", one of its temporaryFailCodes");
            return;
        }
        if (exitCode == null || !tool.successCodes().contains(exitCode)) {
            step.fail(RunState.EXECUTOR_ERROR, "the tool exited with code " + exitCode);
            return;
        }
        RunWorkspace workspace = workspace(step);
        try {
            ToolInvocation invocation = new ToolInvocation(files);
            Map<String, Object> outputs = new LinkedHashMap<>(invocation.collect(tool, workspace,
                    step.getStagedInputs(), exitCode));
            List<Map<String, Object>> updates = invocation.inplaceUpdates(workspace);
            if (!updates.isEmpty()) {
                outputs.put(InplaceUpdates.KEY, updates);
            }
            step.complete(JsonValues.write(outputs));
            if (step.getCacheKey() != null) {
                em.persist(new CacheEntry(cacheKey(step), step));
            }
        } catch (CwlException e) {
            step.fail(RunState.EXECUTOR_ERROR, "the tool exited with code " + exitCode
                    + " but its outputs are not as described: " + e.getMessage());
        } catch (IOException e) {
            step.fail(RunState.SYSTEM_ERROR, "the step's output folder cannot be read: " + e.getMessage());
        }
    }

    /** Runs a failed attempt again after the policy's pause if it allows another, else ends the instance. */
    private void retryOrFail(StepRun step, RunState end, String reason) {
        Run run = em.find(Run.class, step.getRunId());
        RetryPolicy policy = retryPolicy(run);
        int attempts = step.getAttempts();
        if (!policy.allowsAnotherAfter(attempts)) {
            step.fail(end, reason + (attempts > 1 ? " (after " + attempts + " attempts)" : ""));
            return;
        }
        Instant at = Instant.now().plus(policy.delayAfter(attempts));
        step.retryLater(at, "attempt " + attempts + " failed: " + reason + "; attempt " + (attempts + 1)
                + " from " + at);
    }

    /** The run's own number of retries, else its pool's, else the server's; delays are the server's. */
    RetryPolicy retryPolicy(Run run) {
        return RetryPolicy.forRun(run, settings);
    }

    private DagPlanner.Plan plan(Run run, List<StepRun> steps) {
        Workflow wf = workflow(run);
        Map<String, Object> inputs = jobObject(run.getStagedInputs());
        Map<String, Map<String, Object>> finished = new HashMap<>();
        List<StepRun> updating = new ArrayList<>();
        for (StepRun s : steps) {
            if (s.getState() == RunState.COMPLETE) {
                Map<String, Object> outputs = jobObject(s.getOutputs());
                finished.put(s.getStepKey(), outputs);
                if (outputs.containsKey(InplaceUpdates.KEY)) {
                    updating.add(s);
                }
            }
        }
        if (!updating.isEmpty()) {
            // in the order the steps ended, so that in-place updates apply one after the other
            updating.sort(Comparator.comparing((StepRun s) -> s.getEndedAt() == null ? Instant.MAX : s.getEndedAt())
                    .thenComparingInt(StepRun::getSeq));
            InplaceUpdates updates = new InplaceUpdates();
            updating.forEach(s -> updates.take(finished.get(s.getStepKey())));
            inputs = updates.applyTo(inputs);
            finished.replaceAll((key, outputs) -> updates.applyTo(outputs));
        }
        return DagPlanner.plan(wf, inputs, finished, DagPlanner.JAVASCRIPT,
                file -> files.blob(files.resolve(String.valueOf(file.get("location")), "a File to load (loadContents)")));
    }

    private static CacheKey cacheKey(StepRun step) {
        return CacheKey.fromMap((Map<?, ?>) JsonValues.parse(step.getCacheKey(), "cache key"));
    }

    private ToolVersion version(Run run) {
        return catalog.versionById(run.getToolVersionId());
    }

    private Workflow workflow(Run run) {
        CwlProcess process = catalog.process(version(run));
        return process instanceof ExpressionTool et ? Workflow.wrapping(et) : (Workflow) process;
    }

    /** Each step instance works in {@code runs/<run>/steps/<seq>}. */
    private RunWorkspace workspace(StepRun step) {
        return new RunWorkspace(settings.runsDir().resolve(step.getRunId()).resolve("steps")
                .resolve(Integer.toString(step.getSeq())));
    }


    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jobObject(String json) {
        return json == null ? Map.of() : (Map<String, Object>) JsonValues.parse(json, "stored values");
    }

    private Run run(String runId) {
        Run run = em.find(Run.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            throw Problem.notFound("no run with id '" + runId + "'");
        }
        return run;
    }

    private StepRun step(String stepId) {
        StepRun step = em.find(StepRun.class, stepId, LockModeType.PESSIMISTIC_WRITE);
        if (step == null) {
            throw Problem.notFound("no step instance with id '" + stepId + "'");
        }
        return step;
    }
}
