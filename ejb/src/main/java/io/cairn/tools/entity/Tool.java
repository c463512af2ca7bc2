package io.cairn.tools.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** A named tool in the registry; its content lives in immutable {@link ToolVersion}s. */
@Entity
@Table(name = "tool")
@NamedQuery(name = Tool.ALL, query = "SELECT t FROM Tool t WHERE t.kind = :kind ORDER BY t.name")
public class Tool implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public static final String ALL = "Tool.all";

    @Id
    private String name;

    @Column(nullable = false)
    private int latest;

    /** {@code CommandLineTool} or {@code Workflow}: a name belongs to one registry. */
    @Column(nullable = false, updatable = false)
    private String kind;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Tool() {
    }

    public Tool(String name, String kind) {
        this.name = name;
        this.kind = kind;
        this.latest = 0;
        this.createdAt = Instant.now();
        this.updatedAt = createdAt;
    }

    /** Reserves the next version number. */
    public int nextVersion() {
        latest++;
        updatedAt = Instant.now();
        return latest;
    }

    public String getName() {
        return name;
    }

    public String getKind() {
        return kind;
    }

    public int getLatest() {
        return latest;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
