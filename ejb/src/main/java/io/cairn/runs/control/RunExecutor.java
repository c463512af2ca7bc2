package io.cairn.runs.control;

import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlException;
import io.cairn.files.boundary.FileStore;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.JsonValues;
import io.cairn.platform.Problem;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import io.cairn.tools.boundary.ToolCatalog;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The work of a run's batch steps, each method in a transaction of its own so that what it
 * records is durable before the step goes on (a backend id is committed before anyone waits on
 * it). Every method is idempotent: a run restarted after a crash calls them again.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    ToolCatalog catalog;

    @Inject
    FileStore files;

    @Inject
    CairnSettings settings;

    /** Whether the run still needs work, i.e. has not ended. */
    public RunState state(String runId) {
        Run run = em.find(Run.class, runId);
        if (run == null) {
            throw Problem.notFound("no run with id '" + runId + "'");
        }
        return run.getState();
    }

    /**
     * Copies the inputs into the run's folder and builds the command line. Bad inputs found only
     * now (a File literal that cannot be written, a reference that does not resolve) end the run
     * as SYSTEM_ERROR with the reason.
     */
    public void stage(String runId) {
        Run run = run(runId);
        if (run.getState().isTerminal() || run.isStaged()) {
            return;
        }
        RunWorkspace workspace = RunWorkspace.of(settings.runsDir(), runId);
        try {
            CommandLineTool tool = catalog.parsed(catalog.versionById(run.getToolVersionId()));
            @SuppressWarnings("unchecked")
            Map<String, Object> job = (Map<String, Object>) JsonValues.parse(run.getInputs(), "stored inputs");
            ToolInvocation.Staged staged = new ToolInvocation(files).stage(tool, job, workspace);
            run.recordStaging(staged.stagedInputs(), staged.commandLine(), staged.stdout(), staged.stderr());
            run.moveTo(RunState.INITIALIZING);
        } catch (CwlException | Problem | IllegalArgumentException e) {
            run.fail(RunState.SYSTEM_ERROR, "staging failed: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            run.fail(RunState.SYSTEM_ERROR, "staging failed: could not prepare " + workspace.root() + ": " + e.getMessage());
        }
    }

    /** The task to submit for a staged run. */
    @SuppressWarnings("unchecked")
    public TaskSpec taskSpec(String runId) {
        Run run = run(runId);
        CommandLineTool tool = catalog.parsed(catalog.versionById(run.getToolVersionId()));
        return ToolInvocation.taskSpec(run.taskId(), tool, RunWorkspace.of(settings.runsDir(), runId),
                run.getCommandLine(), run.getStdoutPath(), run.getStderrPath());
    }

    /**
     * A run whose task failed in a way worth another try runs again if its retry policy allows another attempt:
     * the pool lost the task (SYSTEM_ERROR), or the tool exited with one of its {@code temporaryFailCodes}. Its
     * work folder is emptied (the staged inputs stay), the task is forgotten and the attempt count goes up. Any
     * other end (success, a tool's own non-zero exit, a cancel) is not retried.
     *
     * @return the pause before the next submission, or empty when the run is to end with this status
     */
    public Optional<Duration> retryAfterFailure(String runId, TaskStatus status) {
        Run run = em.find(Run.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.getState().isTerminal() || run.getState() == RunState.CANCELING) {
            return Optional.empty();
        }
        String reason;
        if (status.state() == TaskState.SYSTEM_ERROR) {
            reason = "the pool lost the task: " + status.message();
        } else if (status.state() == TaskState.EXECUTOR_ERROR && status.exitCode() != null
                && catalog.parsed(catalog.versionById(run.getToolVersionId())).temporaryFailCodes()
                        .contains(status.exitCode())) {
            reason = "the tool exited with code " + status.exitCode() + ", one of its temporaryFailCodes";
        } else {
            return Optional.empty();
        }
        RetryPolicy policy = RetryPolicy.forRun(run, settings);
        int attempts = run.getAttempts();
        if (!policy.allowsAnotherAfter(attempts)) {
            return Optional.empty();
        }
        Path work = RunWorkspace.of(settings.runsDir(), runId).work();
        try {
            deleteContents(work);
        } catch (IOException e) {
            LOG.warning(() -> "run " + runId + ": cannot empty " + work + " for another attempt: " + e.getMessage());
            return Optional.empty();
        }
        Duration pause = policy.delayAfter(attempts);
        run.runAgainAfterLoss(Run.LOST_ATTEMPT + attempts + " failed: " + reason
                + "; attempt " + (attempts + 1) + " in " + pause.toMillis() + " ms");
        return Optional.of(pause);
    }

    private static void deleteContents(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Records the backend's id for the run's task; committed before the caller waits on it. */
    public void recordSubmitted(String runId, String backendId) {
        run(runId).recordBackendId(backendId);
    }

    /** Notes on a run whose task could not be submitted yet that it waits for its pool. */
    public void waitForPool(String runId, String reason) {
        run(runId).waitForPool(reason);
    }

    public void recordJobExecution(String runId, long executionId) {
        run(runId).recordJobExecution(executionId);
    }

    /** Follows the backend's word while the task runs. */
    public void observe(String runId, TaskStatus status) {
        Run run = run(runId);
        if (status.state() == TaskState.RUNNING) {
            run.moveTo(RunState.RUNNING);
        } else if (status.state() == TaskState.INITIALIZING) {
            run.moveTo(RunState.INITIALIZING);
        }
    }

    /**
     * Ends the run from the task's final status: collects and stores the outputs of a successful
     * tool, or records why it failed.
     */
    public void finish(String runId, TaskStatus status) {
        Run run = em.find(Run.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.getState().isTerminal()) {
            return;
        }
        run.recordStart(status.startedAt());
        switch (status.state()) {
            case CANCELED -> run.fail(RunState.CANCELED, status.message() == null ? "canceled" : status.message());
            case SYSTEM_ERROR -> run.fail(RunState.SYSTEM_ERROR, "the pool lost the task: " + status.message());
            default -> {
                if (status.state() == TaskState.EXECUTOR_ERROR && status.exitCode() == null) {
                    // the backend ended the tool itself, for instance at its ToolTimeLimit
                    run.fail(RunState.EXECUTOR_ERROR, status.message());
                } else {
                    finishWithExitCode(run, status.exitCode());
                }
            }
        }
    }

    /** Ends a run that was asked to stop. */
    public void canceled(String runId, String reason) {
        Run run = em.find(Run.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run != null) {
            run.fail(RunState.CANCELED, reason);
        }
    }

    /**
     * Ends a run whose batch job ended without ending the run: one being canceled becomes
     * CANCELED, any other SYSTEM_ERROR with the reason.
     */
    public void settle(String runId, String reason) {
        Run run = em.find(Run.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.getState().isTerminal()) {
            return;
        }
        if (run.getState() == RunState.CANCELING) {
            run.fail(RunState.CANCELED, "canceled on request");
        } else {
            run.fail(RunState.SYSTEM_ERROR, reason);
        }
    }

    private void finishWithExitCode(Run run, Integer exitCode) {
        run.recordExitCode(exitCode);
        CommandLineTool tool = catalog.parsed(catalog.versionById(run.getToolVersionId()));
        if (exitCode != null && tool.temporaryFailCodes().contains(exitCode)) {
            run.fail(RunState.EXECUTOR_ERROR, "the tool exited with code " + exitCode
                    + ", one of its temporaryFailCodes, at attempt " + run.getAttempts() + " of "
                    + (RetryPolicy.forRun(run, settings).retries() + 1));
            return;
        }
        if (exitCode == null || !tool.successCodes().contains(exitCode)) {
            run.fail(RunState.EXECUTOR_ERROR, "the tool exited with code " + exitCode);
            return;
        }
        RunWorkspace workspace = RunWorkspace.of(settings.runsDir(), run.getId());
        try {
            Map<String, Object> outputs = new ToolInvocation(files).collect(tool, workspace, run.getStagedInputs(), exitCode);
            run.recordOutputs(JsonValues.write(outputs));
            run.moveTo(RunState.COMPLETE);
        } catch (CwlException e) {
            run.fail(RunState.EXECUTOR_ERROR, "the tool exited with code " + exitCode + " but its outputs are not as described: " + e.getMessage());
        } catch (IOException e) {
            run.fail(RunState.SYSTEM_ERROR, "the run's output folder cannot be read: " + e.getMessage());
        }
    }

    /** The run, locked until this method's transaction ends, so that concurrent updates queue up. */
    private Run run(String runId) {
        Run run = em.find(Run.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            throw Problem.notFound("no run with id '" + runId + "'");
        }
        return run;
    }
}
