package io.cairn.runs.batch;

import io.cairn.compute.ComputeConnection;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.control.RunExecutor;
import io.cairn.runs.control.WorkflowExecutor;
import io.cairn.runs.entity.StepRun;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts and stops the batch jobs that execute runs. Payara lets only the component that started
 * a job query or stop it, so every JobOperator call of the application goes through this bean.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RunJobs {

    /** The job XML ({@code META-INF/batch-jobs/cwl-tool-run.xml}) that runs one tool. */
    public static final String TOOL_RUN_JOB = "cwl-tool-run";

    /** The job XML ({@code META-INF/batch-jobs/cwl-workflow-run.xml}) that runs one workflow. */
    public static final String WORKFLOW_RUN_JOB = "cwl-workflow-run";

    private static final Logger LOG = Logger.getLogger(RunJobs.class.getName());

    /** Runs whose job this server started; the rest, if unfinished, were left by an earlier server. */
    private static final Set<String> STARTED_HERE = ConcurrentHashMap.newKeySet();

    @Inject
    Runs runs;

    @Inject
    RunExecutor executor;

    @Inject
    WorkflowExecutor workflows;

    @Inject
    ComputeGateway gateway;

    /**
     * Starts the job of a recorded run and returns its execution id. If the batch runtime refuses,
     * the run ends SYSTEM_ERROR (it must not run later by surprise) and the failure propagates.
     */
    public long start(String runId) {
        Properties parameters = new Properties();
        parameters.setProperty("runId", runId);
        STARTED_HERE.add(runId);
        try {
            // the job's listener records the execution id on the run
            return operator().start(runs.find(runId).runsAsWorkflow() ? WORKFLOW_RUN_JOB : TOOL_RUN_JOB, parameters);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "run " + runId + ": the batch runtime did not start its job", e);
            executor.settle(runId, "the batch runtime did not start the run's job: " + e.getMessage());
            throw e;
        }
    }

    /**
     * Resumes a workflow run that failed or was canceled: its failed and canceled step instances
     * run again, the finished ones are not. The run's last job execution is restarted
     * ({@code JobOperator.restart}) when the batch runtime still knows it as FAILED or STOPPED;
     * otherwise (an execution that died with an earlier server) a new execution picks the run up.
     */
    public void resume(String runId) {
        Run run = runs.find(runId);
        workflows.reopen(runId);
        Properties parameters = new Properties();
        parameters.setProperty("runId", runId);
        STARTED_HERE.add(runId);
        try {
            Long execution = run.getJobExecutionId();
            if (execution != null) {
                BatchStatus status = null;
                try {
                    status = operator().getJobExecution(execution).getBatchStatus();
                } catch (NoSuchJobExecutionException e) {
                    LOG.log(Level.FINE, "run " + runId + ": its job execution is gone", e);
                }
                if (status == BatchStatus.FAILED || status == BatchStatus.STOPPED) {
                    operator().restart(execution, parameters);
                    return;
                }
            }
            operator().start(WORKFLOW_RUN_JOB, parameters);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "run " + runId + ": the batch runtime did not resume its job", e);
            executor.settle(runId, "the batch runtime did not resume the run's job: " + e.getMessage());
            throw e;
        }
    }

    /**
     * Cancels a run: stops its job, which cancels the task on its backend. If the job is not
     * running (the server restarted), the task is canceled here directly.
     */
    public void cancel(String runId) {
        if (!runs.markCanceling(runId)) {
            return;
        }
        Run run = runs.find(runId);
        boolean stopped = false;
        if (run.getJobExecutionId() != null) {
            try {
                BatchStatus status = operator().getJobExecution(run.getJobExecutionId()).getBatchStatus();
                if (status == BatchStatus.STARTING || status == BatchStatus.STARTED) {
                    operator().stop(run.getJobExecutionId());
                    stopped = true;
                }
            } catch (JobExecutionNotRunningException | NoSuchJobExecutionException e) {
                LOG.log(Level.FINE, "run " + runId + ": job not running", e);
            }
        }
        if (!stopped) {
            try {
                cancelTask(run);
            } finally {
                canceled(run);
            }
        }
    }

    private void canceled(Run run) {
        if (run.runsAsWorkflow()) {
            workflows.canceled(run.getId(), "canceled on request");
        } else {
            executor.canceled(run.getId(), "canceled on request");
        }
    }

    /**
     * Picks up a run left unfinished by a stop or crash of an earlier server (its job execution
     * died with that server). A new job execution adopts the task, if one was submitted, rather
     * than submitting it again.
     */
    public void resumeAfterRestart(String runId) {
        Run run = runs.find(runId);
        if (run.getState().isTerminal()) {
            return;
        }
        if (STARTED_HERE.contains(runId)) {
            return;
        }
        if (run.getState() == RunState.CANCELING) {
            try {
                cancelTask(run);
            } finally {
                canceled(run);
            }
            return;
        }
        LOG.info(() -> "run " + runId + " was left " + run.getState() + " by the previous server; resuming it");
        start(runId);
    }

    private void cancelTask(Run run) {
        if (run.runsAsWorkflow()) {
            for (StepRun step : workflows.steps(run.getId())) {
                if (!step.getState().isTerminal() && step.getBackendId() != null) {
                    try (ComputeConnection connection = gateway.connect(run.getPool())) {
                        connection.cancel(step.getBackendId());
                    }
                }
            }
            return;
        }
        if (run.getBackendId() == null) {
            return;
        }
        try (ComputeConnection connection = gateway.connect(run.getPool())) {
            connection.cancel(run.getBackendId());
        }
    }

    private static JobOperator operator() {
        return BatchRuntime.getJobOperator();
    }
}
