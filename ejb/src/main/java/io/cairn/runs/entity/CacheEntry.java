package io.cairn.runs.entity;

import io.cairn.runs.control.CacheKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the call cache: the outputs of a step instance that ended COMPLETE, filed under
 * its {@link CacheKey}. The outputs' files are in the content-addressed store, so an entry never
 * points into a run's folder.
 */
@Entity
@Table(name = "call_cache")
@NamedQuery(name = CacheEntry.BY_KEY, query = "SELECT c FROM CacheEntry c WHERE c.cacheKey = :key ORDER BY c.createdAt DESC")
@NamedQuery(name = CacheEntry.BY_TOOL, query = "SELECT c FROM CacheEntry c WHERE c.toolPart = :tool ORDER BY c.createdAt DESC")
public class CacheEntry implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public static final String BY_KEY = "CacheEntry.byKey";
    public static final String BY_TOOL = "CacheEntry.byTool";

    @Id
    private String id;

    @Column(name = "cache_key", nullable = false, updatable = false)
    private String cacheKey;

    @Column(name = "tool_part", nullable = false, updatable = false)
    private String toolPart;

    @Column(name = "inputs_part", nullable = false, updatable = false)
    private String inputsPart;

    @Column(name = "command_part", nullable = false, updatable = false)
    private String commandPart;

    @Column(name = "env_part", nullable = false, updatable = false)
    private String envPart;

    @Column(name = "image_part", nullable = false, updatable = false)
    private String imagePart;

    @Lob
    @Column(nullable = false, updatable = false)
    private String outputs;

    @Column(name = "run_id", nullable = false, updatable = false)
    private String runId;

    @Column(name = "step_id", nullable = false, updatable = false)
    private String stepId;

    @Column(name = "step_key", nullable = false, updatable = false)
    private String stepKey;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected CacheEntry() {
    }

    public CacheEntry(CacheKey key, StepRun step) {
        this.id = UUID.randomUUID().toString();
        this.cacheKey = key.value();
        this.toolPart = key.tool();
        this.inputsPart = key.inputs();
        this.commandPart = key.command();
        this.envPart = key.environment();
        this.imagePart = key.image();
        this.outputs = step.getOutputs();
        this.runId = step.getRunId();
        this.stepId = step.getId();
        this.stepKey = step.getStepKey();
        this.createdAt = Instant.now();
    }

    public CacheKey key() {
        return new CacheKey(toolPart, inputsPart, commandPart, envPart, imagePart);
    }

    public String getId() {
        return id;
    }

    public String getOutputs() {
        return outputs;
    }

    public String getRunId() {
        return runId;
    }

    public String getStepId() {
        return stepId;
    }

    public String getStepKey() {
        return stepKey;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
