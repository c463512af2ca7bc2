package io.cairn.files.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A file known to Cairn: a name given to content in the content-addressed store. Two records
 * with the same bytes share one blob.
 */
@Entity
@Table(name = "stored_file")
public class StoredFile {

    @Id
    private String id;

    @Column(nullable = false, updatable = false)
    private String sha256;

    @Column(name = "size_bytes", nullable = false, updatable = false)
    private long size;

    @Column(nullable = false, updatable = false)
    private String basename;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected StoredFile() {
    }

    public StoredFile(String sha256, long size, String basename) {
        this.id = UUID.randomUUID().toString();
        this.sha256 = sha256;
        this.size = size;
        this.basename = basename;
        this.createdAt = Instant.now();
    }

    public String getId() {
        return id;
    }

    public String getSha256() {
        return sha256;
    }

    /** The checksum in CWL's notation. */
    public String checksum() {
        return "sha256$" + sha256;
    }

    public long getSize() {
        return size;
    }

    public String getBasename() {
        return basename;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
