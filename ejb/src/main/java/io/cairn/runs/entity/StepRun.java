package io.cairn.runs.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One step instance of a workflow run: one invocation of a tool, with the inputs the workflow
 * gave it, its backend task and its outputs. Its key names it within the run ({@code align[3]},
 * {@code qc/count}); a run has at most one instance per key, so planning again after a restart
 * finds the instances already made instead of making new ones.
 */
@Entity
@Table(name = "step_run")
@NamedQuery(name = StepRun.BY_RUN, query = "SELECT s FROM StepRun s WHERE s.runId = :run ORDER BY s.seq")
public class StepRun implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public static final String BY_RUN = "StepRun.byRun";

    @Id
    private String id;

    @Column(name = "run_id", nullable = false, updatable = false)
    private String runId;

    @Column(name = "step_key", nullable = false, updatable = false)
    private String stepKey;

    /** Order of creation within the run. */
    @Column(nullable = false, updatable = false)
    private int seq;

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

    @Column(nullable = false)
    private int attempts;

    /** The call-cache key's parts as JSON, once staged; null when the instance is not cached. */
    @Lob
    @Column(name = "cache_key")
    private String cacheKey;

    @Column(name = "cache_hit", nullable = false)
    private boolean cacheHit;

    /** For an instance waiting to run again after a lost task: not before then. */
    @Column(name = "retry_at")
    private Instant retryAt;

    /** The step instance whose outputs a cache hit took. */
    @Column(name = "cache_source")
    private String cacheSource;

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

    protected StepRun() {
    }

    public StepRun(String runId, String stepKey, int seq, String inputsJson) {
        this.id = UUID.randomUUID().toString();
        this.runId = runId;
        this.stepKey = stepKey;
        this.seq = seq;
        this.inputs = inputsJson;
        this.state = RunState.QUEUED;
        this.createdAt = Instant.now();
    }

    /** Moves forward unless already ended; returns whether the state changed. */
    public boolean moveTo(RunState next) {
        if (state.isTerminal() || state == next) {
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
     * Makes a failed or canceled instance run again: its staging and task are forgotten (the
     * attempt count stays, and the next submission counts as a new attempt).
     *
     * @return whether the instance is to run again
     */
    public boolean retry() {
        if (!state.isTerminal() || state == RunState.COMPLETE) {
            return false;
        }
        reset();
        retryAt = null;
        return true;
    }

    /**
     * Makes an instance whose task was lost run again from {@code at}, keeping the reason as its
     * message until then. An instance that already ended stays as it is.
     */
    /** How the message of an instance (or run) that waits for its pool begins. */
    public static final String POOL_WAIT = "waiting for pool ";

    public void retryLater(Instant at, String reason) {
        if (state.isTerminal()) {
            return;
        }
        reset();
        retryAt = at;
        message = reason == null ? null : reason.substring(0, Math.min(reason.length(), 2000));
    }

    private void reset() {
        state = RunState.QUEUED;
        stagedInputs = null;
        commandLine = null;
        cacheKey = null;
        backendId = null;
        exitCode = null;
        message = null;
        startedAt = null;
        endedAt = null;
    }

    /** Whether the instance may be submitted at {@code now} (it is not waiting for a retry). */
    public boolean isDue(Instant now) {
        return retryAt == null || !retryAt.isAfter(now);
    }

    public Instant getRetryAt() {
        return retryAt;
    }

    /** The id of the backend task of the current attempt: the same id again after a crash, a new one per retry. */
    public String taskId() {
        return id + "." + (attempts + 1);
    }

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

    public void recordBackendId(String backendId) {
        this.backendId = backendId;
        this.attempts++;
        if (message != null && message.startsWith(POOL_WAIT)) {
            message = null;
            retryAt = null;
        }
    }

    /**
     * Makes an instance whose pool is down wait until {@code at} before it is submitted again, keeping what was staged;
     * unlike a retry, this is not an attempt.
     */
    public void waitForPool(Instant at, String reason) {
        if (state.isTerminal()) {
            return;
        }
        retryAt = at;
        message = reason.substring(0, Math.min(reason.length(), 2000));
    }

    public void recordStart(Instant started) {
        if (started != null && startedAt == null) {
            startedAt = started;
        }
    }

    public void recordExitCode(Integer exitCode) {
        this.exitCode = exitCode;
    }

    /** Records the instance's call-cache key (the parts as JSON). */
    public void recordCacheKey(String partsJson) {
        this.cacheKey = partsJson;
    }

    /** Ends the instance with the outputs of an earlier one with the same key, without running it. */
    public void completeFromCache(String outputsJson, String sourceStepId) {
        this.cacheHit = true;
        this.cacheSource = sourceStepId;
        Instant now = Instant.now();
        this.startedAt = startedAt == null ? now : startedAt;
        complete(outputsJson);
    }

    public void complete(String outputsJson) {
        this.outputs = outputsJson;
        moveTo(RunState.COMPLETE);
    }

    public boolean isStaged() {
        return commandLine != null;
    }

    public String getId() {
        return id;
    }

    public String getRunId() {
        return runId;
    }

    public String getStepKey() {
        return stepKey;
    }

    public int getSeq() {
        return seq;
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

    public int getAttempts() {
        return attempts;
    }

    public String getCacheKey() {
        return cacheKey;
    }

    public boolean isCacheHit() {
        return cacheHit;
    }

    public String getCacheSource() {
        return cacheSource;
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
