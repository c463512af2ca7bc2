package io.cairn.tools.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One immutable version of a tool: the CWL document exactly as registered. */
@Entity
@Table(name = "tool_version")
@NamedQuery(name = ToolVersion.BY_NAME, query = "SELECT v FROM ToolVersion v WHERE v.toolName = :name ORDER BY v.version DESC")
@NamedQuery(name = ToolVersion.BY_NAME_AND_VERSION, query = "SELECT v FROM ToolVersion v WHERE v.toolName = :name AND v.version = :version")
@NamedQuery(name = ToolVersion.BY_NAME_AND_HASH, query = "SELECT v FROM ToolVersion v WHERE v.toolName = :name AND v.sha256 = :sha256")
public class ToolVersion {

    public static final String BY_NAME = "ToolVersion.byName";
    public static final String BY_NAME_AND_VERSION = "ToolVersion.byNameAndVersion";
    public static final String BY_NAME_AND_HASH = "ToolVersion.byNameAndHash";

    @Id
    private String id;

    @Column(name = "tool_name", nullable = false, updatable = false)
    private String toolName;

    /** {@code CommandLineTool} or {@code Workflow}. */
    @Column(nullable = false, updatable = false)
    private String kind;

    @Column(nullable = false, updatable = false)
    private int version;

    @Column(nullable = false, updatable = false)
    private String sha256;

    @Column(updatable = false)
    private String label;

    @Lob
    @Column(nullable = false, updatable = false)
    private String document;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected ToolVersion() {
    }

    public ToolVersion(String toolName, String kind, int version, String sha256, String label, String document) {
        this.id = UUID.randomUUID().toString();
        this.kind = kind;
        this.toolName = toolName;
        this.version = version;
        this.sha256 = sha256;
        this.label = label == null ? null : label.substring(0, Math.min(label.length(), 512));
        this.document = document;
        this.createdAt = Instant.now();
    }

    public String getId() {
        return id;
    }

    public String getKind() {
        return kind;
    }

    public boolean isWorkflow() {
        return "Workflow".equals(kind);
    }

    public String getToolName() {
        return toolName;
    }

    public int getVersion() {
        return version;
    }

    public String getSha256() {
        return sha256;
    }

    public String getLabel() {
        return label;
    }

    public String getDocument() {
        return document;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
