package io.cairn.pools.boundary;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.PoolKinds;
import io.cairn.compute.PoolStatus;
import io.cairn.platform.Problem;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.pools.entity.PoolDefinition;
import io.cairn.runs.entity.RunState;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The compute pools: listing them with kind, capacity, load and health, and defining, changing and removing the
 * pools that are stored in the database. Pools made with asadmin ({@code server-config/}) are listed too, and are
 * changed with asadmin or the admin console only.
 */
@Stateless
public class Pools {

    /** A pool as users see it: its state now, where it is defined, and (for stored pools) its definition. */
    public record PoolView(String name, String kind, boolean up, int slots, int running, int queued, String detail,
                           ComputeGateway.Source source, Map<String, String> properties, Map<String, String> secrets) {
    }

    /** What a caller asks for when defining or changing a pool. */
    public record Definition(String kind, Map<String, String> properties, Map<String, String> secrets) {
    }

    @Inject
    ComputeGateway gateway;

    @PersistenceContext
    EntityManager em;

    public List<PoolView> list() {
        return gateway.poolNames().stream().map(this::view).toList();
    }

    /** One pool, or empty when there is none of that name. */
    public Optional<PoolView> find(String name) {
        return gateway.source(name).map(source -> view(name));
    }

    public PoolView view(String name) {
        ComputeGateway.Source source = gateway.source(name).orElse(null);
        PoolDefinition definition = source == ComputeGateway.Source.API ? em.find(PoolDefinition.class, name) : null;
        Map<String, String> properties = definition == null ? Map.of() : definition.properties();
        Map<String, String> secrets = definition == null ? Map.of() : definition.secrets();
        String declaredKind = definition == null ? "unknown" : definition.getKind();
        try (ComputeConnection connection = gateway.connect(name)) {
            PoolStatus status = connection.ping();
            return new PoolView(name, status.kind(), status.up(), status.slots(), status.running(), status.queued(),
                    status.detail(), source, properties, secrets);
        } catch (RuntimeException e) {
            return new PoolView(name, declaredKind, false, 0, 0, 0, "not reachable: " + e.getMessage(), source,
                    properties, secrets);
        }
    }

    /** The kinds pools can be made of, with their properties. */
    public Map<String, List<PoolKinds.Property>> kinds() {
        PoolKinds kinds = gateway.kinds();
        Map<String, List<PoolKinds.Property>> all = new LinkedHashMap<>();
        for (String kind : kinds.kinds()) {
            all.put(kind, kinds.properties(kind));
        }
        return all;
    }

    /**
     * Stores a new pool; it can be used at once.
     *
     * @throws Problem 400 for a bad name, kind, property or secret reference; 409 when the name is taken
     */
    public PoolView create(String name, Definition definition) {
        if (name == null || !name.matches(ComputeGateway.NAME_PATTERN)) {
            throw Problem.badRequest("pool name '" + name + "' is not valid: use 1 to 128 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
        if (name.equals("kinds")) {
            throw Problem.badRequest("'kinds' is reserved (GET /api/v1/pools/kinds lists the pool kinds)");
        }
        if (gateway.exists(name)) {
            throw Problem.conflict("there is already a pool named '" + name + "'");
        }
        validate(name, definition);
        em.persist(new PoolDefinition(name, definition.kind(), definition.properties(), definition.secrets()));
        em.flush();
        return view(name);
    }

    /**
     * Replaces a stored pool's definition. Tasks running on it keep running and are adopted by the pool as
     * reconfigured (as long as its state folder stays the same).
     */
    public PoolView update(String name, Definition definition) {
        PoolDefinition stored = stored(name);
        validate(name, definition);
        stored.change(definition.kind(), definition.properties(), definition.secrets());
        em.flush();
        gateway.forget(name);
        return view(name);
    }

    /** Removes a stored pool that no unfinished run uses. */
    public void delete(String name) {
        PoolDefinition stored = stored(name);
        List<String> busy = em.createQuery("SELECT r.id FROM Run r WHERE r.pool = :pool AND r.state NOT IN :done",
                        String.class)
                .setParameter("pool", name)
                .setParameter("done", List.of(RunState.COMPLETE, RunState.EXECUTOR_ERROR, RunState.SYSTEM_ERROR,
                        RunState.CANCELED))
                .setMaxResults(5)
                .getResultList();
        if (!busy.isEmpty()) {
            throw Problem.conflict("pool '" + name + "' is used by unfinished runs (" + String.join(", ", busy)
                    + "); cancel them or wait for them to end");
        }
        em.remove(stored);
        em.flush();
        gateway.forget(name);
    }

    private PoolDefinition stored(String name) {
        ComputeGateway.Source source = gateway.source(name)
                .orElseThrow(() -> Problem.notFound("there is no pool named '" + name + "'"));
        if (source == ComputeGateway.Source.SERVER_CONFIG) {
            throw Problem.conflict("pool '" + name + "' is a connector resource made with asadmin (server-config/);"
                    + " change or remove it with asadmin or in the admin console");
        }
        return em.find(PoolDefinition.class, name);
    }

    /** Checks the kind, each property and secret reference by making (and dropping) the pool's factory. */
    private void validate(String name, Definition definition) {
        PoolKinds kinds = gateway.kinds();
        if (definition.kind() == null || !kinds.kinds().contains(definition.kind())) {
            throw Problem.badRequest("'kind' must be one of " + String.join(", ", kinds.kinds()) + ", was "
                    + (definition.kind() == null ? "missing" : "'" + definition.kind() + "'"));
        }
        Map<String, PoolKinds.Property> known = kinds.properties(definition.kind()).stream()
                .collect(Collectors.toMap(PoolKinds.Property::name, p -> p, (a, b) -> a, LinkedHashMap::new));
        definition.properties().keySet().forEach(property -> {
            PoolKinds.Property p = known.get(property);
            if (p != null && p.secret()) {
                throw Problem.badRequest("properties." + property + " is confidential: give it under 'secrets' as"
                        + " the name of the password alias or config property that holds it");
            }
        });
        definition.secrets().forEach((property, reference) -> {
            if (!known.containsKey(property)) {
                throw Problem.badRequest("secrets." + property + ": a " + definition.kind() + " pool has no property '"
                        + property + "'; its properties: " + String.join(", ", known.keySet()));
            }
            if (definition.properties().containsKey(property)) {
                throw Problem.badRequest("'" + property + "' is given both under 'properties' and under 'secrets'");
            }
            if (reference == null || !reference.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
                throw Problem.badRequest("secrets." + property + " must name a password alias or config property"
                        + " (letters, digits, '.', '_', '-'), was '" + reference + "'");
            }
        });
        try {
            // made only to check the properties: it never connects, so it starts no backend
            kinds.create(definition.kind(), gateway.effectiveProperties(name, definition.kind(),
                    definition.properties(), definition.secrets()));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("properties: " + e.getMessage());
        }
    }
}
