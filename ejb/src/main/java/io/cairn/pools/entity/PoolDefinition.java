package io.cairn.pools.entity;

import io.cairn.platform.JsonValues;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pool defined through the API: its kind, its connector properties (text, as asadmin would set them) and, for
 * each confidential property, the name of the password alias or MicroProfile Config property that holds its value.
 * The values of secrets are never stored here.
 */
@Entity
@Table(name = "pool_definition")
@NamedQuery(name = PoolDefinition.ALL, query = "SELECT p FROM PoolDefinition p ORDER BY p.name")
public class PoolDefinition implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public static final String ALL = "PoolDefinition.all";

    @Id
    private String name;

    @Column(nullable = false)
    private String kind;

    @Lob
    @Column(nullable = false)
    private String properties;

    @Lob
    @Column(nullable = false)
    private String secrets;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    protected PoolDefinition() {
    }

    public PoolDefinition(String name, String kind, Map<String, String> properties, Map<String, String> secrets) {
        this.name = name;
        this.createdAt = Instant.now();
        change(kind, properties, secrets);
    }

    /** Replaces the kind, properties and secret references. */
    public final void change(String kind, Map<String, String> properties, Map<String, String> secrets) {
        this.kind = kind;
        this.properties = JsonValues.write(new TreeMap<>(properties));
        this.secrets = JsonValues.write(new TreeMap<>(secrets));
        this.updatedAt = Instant.now();
    }

    public String getName() {
        return name;
    }

    public String getKind() {
        return kind;
    }

    /** The connector properties as given, sorted by name. */
    public Map<String, String> properties() {
        return textMap(properties);
    }

    /** Property name to the password alias or config property holding its value, sorted by name. */
    public Map<String, String> secrets() {
        return textMap(secrets);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }

    private static Map<String, String> textMap(String json) {
        Map<String, String> map = new LinkedHashMap<>();
        if (JsonValues.parse(json, "pool properties") instanceof Map<?, ?> parsed) {
            parsed.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
        }
        return map;
    }
}
