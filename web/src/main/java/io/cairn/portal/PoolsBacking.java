package io.cairn.portal;

import io.cairn.compute.PoolKinds;
import io.cairn.health.PoolHealthMonitor;
import io.cairn.platform.Problem;
import io.cairn.pools.boundary.Pools;
import io.cairn.pools.control.ComputeGateway;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pools page. */
@Named
@RequestScoped
public class PoolsBacking {

    /** A pool as the page shows it. */
    public static final class Row {
        private final Pools.PoolView pool;

        Row(Pools.PoolView pool) {
            this.pool = pool;
        }

        public String getName() {
            return pool.name();
        }

        public String getKind() {
            return pool.kind();
        }

        public boolean isUp() {
            return pool.up();
        }

        public int getSlots() {
            return pool.slots();
        }

        public int getRunning() {
            return pool.running();
        }

        public int getQueued() {
            return pool.queued();
        }

        public String getDetail() {
            return pool.detail();
        }

        /** Where the pool is defined: server-config (asadmin) or api (stored; can be removed here). */
        public String getSource() {
            return pool.source() == null ? "unknown" : pool.source().name().toLowerCase().replace('_', '-');
        }

        public boolean isRemovable() {
            return pool.source() == ComputeGateway.Source.API;
        }

        /** The stored properties and secret references, as NAME=VALUE words (secrets show their alias only). */
        public String getSettings() {
            StringBuilder text = new StringBuilder();
            pool.properties().forEach((k, v) -> text.append(k).append('=').append(v).append(' '));
            pool.secrets().forEach((k, v) -> text.append(k).append("=alias:").append(v).append(' '));
            return text.toString().trim();
        }
    }

    @Inject
    Pools pools;

    @Inject
    PoolHealthMonitor health;

    private List<Row> rows;

    private String name;
    private String kind = "docker";
    private String properties = "";
    private String secrets = "";

    public List<Row> getPools() {
        if (rows == null) {
            rows = pools.list().stream().map(Row::new).toList();
        }
        return rows;
    }

    /** The kinds a pool can be made of. */
    public List<String> getKinds() {
        return List.copyOf(pools.kinds().keySet());
    }

    /** The properties of the chosen kind, for the form's help. */
    public List<PoolKinds.Property> getKindProperties() {
        return pools.kinds().getOrDefault(kind, List.of());
    }

    public String create() {
        try {
            Map<String, String> props = lines("Properties", properties);
            Map<String, String> refs = lines("Secrets", secrets);
            pools.create(name == null ? null : name.trim(), new Pools.Definition(kind, props, refs));
            health.refresh();
            Messages.info("Pool created", "Pool " + name.trim() + " can be used now.");
            return "pools?faces-redirect=true";
        } catch (RuntimeException e) {
            Messages.error("Pool not created", Messages.reason(e));
            return null;
        }
    }

    public String remove(String pool) {
        try {
            pools.delete(pool);
            health.refresh();
            Messages.info("Pool removed", "Pool " + pool + " was removed.");
            return "pools?faces-redirect=true";
        } catch (RuntimeException e) {
            Messages.error("Pool not removed", Messages.reason(e));
            return null;
        }
    }

    /** NAME=VALUE lines (blank lines and lines starting with # are skipped); a bad line is a problem naming it. */
    static Map<String, String> lines(String what, String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text == null) {
            return map;
        }
        int number = 0;
        for (String line : text.split("\\R")) {
            number++;
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw Problem.badRequest(what + ", line " + number + ": '" + trimmed + "' must look like NAME=VALUE");
            }
            map.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
        }
        return map;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getProperties() {
        return properties;
    }

    public void setProperties(String properties) {
        this.properties = properties;
    }

    public String getSecrets() {
        return secrets;
    }

    public void setSecrets(String secrets) {
        this.secrets = secrets;
    }
}
