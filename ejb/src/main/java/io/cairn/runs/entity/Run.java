package io.cairn.runs.entity;

import io.cairn.tools.entity.ToolVersion;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One execution of one tool version. The state moves forward only: a terminal state is never left.
 */
@Entity
@Table(name = "run")
public class Run implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    @Id
    private String id;

    @Column(name = "tool_version_id", nullable = false, updatable = false)
    private String toolVersionId;

    @Column(name = "tool_name", nullable = false, updatable = false)
    private String toolName;

    @Column(name = "tool_version", nullable = false, updatable = false)
    private int toolVersion;

    @Column(nullable = false, updatable = false)
    private String pool;

    /** False when the run asked not to be served from the call cache. */
    @Column(name = "use_cache", nullable = false)
    private boolean useCache = true;

    /** How many times a lost task (a step instance's or a tool run's) may run again; null for the pool's or the server's default. */
    private Integer retries;

    /** Which submission of a tool run's task this is: 1, then one more each time a lost task runs again. */
    @Column(nullable = false)
    private int attempts = 1;

    /** The class of the process it runs: {@code CommandLineTool}, {@code ExpressionTool} or {@code Workflow}. */
    @Column(nullable = false, updatable = false)
    private String kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RunState state;

    @Lob
    @Column(nullable = false, updatable = false)
    private String inputs;

    @Lob
    @Column(name = "staged_inputs")
    private String stagedInputs;

    @Lob
    @Column(name = "command_line")
    private String commandLine;

    @Lob
    private String outputs;

    @Column(name = "stdout_path")
    private String stdoutPath;

    @Column(name = "stderr_path")
    private String stderrPath;

    @Column(name = "exit_code")
    private Integer exitCode;

    @Column(name = "backend_id")
    private String backendId;

    @Column(name = "job_execution_id")
    private Long jobExecutionId;

    private String message;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private long rowVersion;

    protected Run() {
    }

    public Run(ToolVersion tool, String pool, String inputsJson) {
        this(tool, tool.getKind(), pool, inputsJson);
    }

    /** @param processClass the class of the process the version holds, when it differs from the registry's kind */
    public Run(ToolVersion tool, String processClass, String pool, String inputsJson) {
        this.id = UUID.randomUUID().toString();
        this.toolVersionId = tool.getId();
        this.toolName = tool.getToolName();
        this.toolVersion = tool.getVersion();
        this.kind = processClass;
        this.pool = pool;
        this.inputs = inputsJson;
        this.state = RunState.QUEUED;
        this.createdAt = Instant.now();
    }

    public boolean usesCache() {
        return useCache;
    }

    public void setUseCache(boolean useCache) {
        this.useCache = useCache;
    }

    public Integer getRetries() {
        return retries;
    }

    public void setRetries(Integer retries) {
        this.retries = retries;
    }

    /**
     * Moves to a new state unless the run already ended. A run that is being canceled only moves
     * on to CANCELED or another terminal state.
     *
     * @return whether the state changed
     */
    public boolean moveTo(RunState next) {
        if (state.isTerminal() || state == next) {
            return false;
        }
        if (state == RunState.CANCELING && !next.isTerminal()) {
            return false;
        }
        state = next;
        if (next == RunState.RUNNING && startedAt == null) {
            startedAt = Instant.now();
        }
        if (next.isTerminal()) {
            endedAt = Instant.now();
        }
        return true;
    }

    /**
     * Opens a failed or canceled run again, to be resumed: it goes back to QUEUED.
     *
     * @return false when the run has not ended or ended COMPLETE
     */
    public boolean reopen() {
        if (!state.isTerminal() || state == RunState.COMPLETE) {
            return false;
        }
        state = RunState.QUEUED;
        endedAt = null;
        message = null;
        return true;
    }

    /** Ends the run with a reason a person can read. */
    public void fail(RunState terminal, String reason) {
        if (moveTo(terminal)) {
            this.message = reason == null ? null : reason.substring(0, Math.min(reason.length(), 2000));
        }
    }

    public void recordStaging(String stagedInputsJson, String commandLineJson, String stdout, String stderr) {
        this.stagedInputs = stagedInputsJson;
        this.commandLine = commandLineJson;
        this.stdoutPath = stdout;
        this.stderrPath = stderr;
    }

    /** The id of the task of this attempt: the run's id for the first, {@code ID.N} for attempt N after that. */
    public String taskId() {
        return attempts <= 1 ? id : id + "." + attempts;
    }

    public int getAttempts() {
        return attempts;
    }

    /**
     * Makes a tool run whose task the pool lost run again: the task is forgotten, the attempt count goes up, and
     * the reason stays as the message until the next task is submitted. A run that ended stays as it is.
     *
     * @return whether the run is to run again
     */
    public boolean runAgainAfterLoss(String reason) {
        if (state.isTerminal()) {
            return false;
        }
        attempts++;
        backendId = null;
        state = RunState.INITIALIZING; // staged already: the same command line runs again
        message = reason == null ? null : reason.substring(0, Math.min(reason.length(), 2000));
        return true;
    }

    public void recordBackendId(String backendId) {
        this.backendId = backendId;
        if (message != null && (message.startsWith(StepRun.POOL_WAIT) || message.startsWith(LOST_ATTEMPT))) {
            message = null;
        }
    }

    /** How the message of a tool run begins while it waits to run again after its task was lost. */
    public static final String LOST_ATTEMPT = "attempt ";

    /** Says why a run that has not ended waits (its pool is down); cleared once its task is submitted. */
    public void waitForPool(String reason) {
        if (!state.isTerminal()) {
            this.message = reason.substring(0, Math.min(reason.length(), 2000));
        }
    }

    public void recordJobExecution(long executionId) {
        this.jobExecutionId = executionId;
    }

    /** Takes the backend's word for when the task started, if the run never saw it running. */
    public void recordStart(Instant started) {
        if (startedAt == null && started != null) {
            startedAt = started;
        }
    }

    public void recordExitCode(Integer exitCode) {
        this.exitCode = exitCode;
    }

    public void recordOutputs(String outputsJson) {
        this.outputs = outputsJson;
    }

    public boolean isStaged() {
        return commandLine != null;
    }

    public String getId() {
        return id;
    }

    public String getToolVersionId() {
        return toolVersionId;
    }

    public String getToolName() {
        return toolName;
    }

    public int getToolVersion() {
        return toolVersion;
    }

    public String getKind() {
        return kind;
    }

    /** Whether the run is a Workflow. */
    public boolean isWorkflow() {
        return "Workflow".equals(kind);
    }

    /**
     * Whether the run goes through the workflow job: workflows, and ExpressionTools, which run
     * as a workflow of one step that Cairn works out itself.
     */
    public boolean runsAsWorkflow() {
        return isWorkflow() || "ExpressionTool".equals(kind);
    }

    public String getPool() {
        return pool;
    }

    public RunState getState() {
        return state;
    }

    public String getInputs() {
        return inputs;
    }

    public String getStagedInputs() {
        return stagedInputs;
    }

    public String getCommandLine() {
        return commandLine;
    }

    public String getOutputs() {
        return outputs;
    }

    public String getStdoutPath() {
        return stdoutPath;
    }

    public String getStderrPath() {
        return stderrPath;
    }

    public Integer getExitCode() {
        return exitCode;
    }

    public String getBackendId() {
        return backendId;
    }

    public Long getJobExecutionId() {
        return jobExecutionId;
    }

    public String getMessage() {
        return message;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getEndedAt() {
        return endedAt;
    }
}
