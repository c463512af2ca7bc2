package io.cairn.pools.control;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.PoolKinds;
import io.cairn.compute.PoolStatus;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.Problem;
import io.cairn.pools.entity.PoolDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NameClassPair;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds pools. A pool is either a connector resource bound at {@code cairn/pool/<name>}, created by
 * {@code server-config/} with asadmin (and visible in the admin console), or a {@link PoolDefinition} stored through
 * the API, whose connection factory the resource adapter makes at run time ({@link PoolKinds}). Factories of stored
 * pools are kept per definition version, so a changed definition takes effect at the next connection.
 */
@ApplicationScoped
public class ComputeGateway {

    /** The JNDI context pools are bound under. */
    public static final String POOL_CONTEXT = "cairn/pool";

    /** What a pool name may look like. */
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    private static final Logger LOG = Logger.getLogger(ComputeGateway.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    CairnSettings settings;

    private final Map<String, Made> made = new ConcurrentHashMap<>();

    /**
     * How long {@link #connect} trusts a JNDI lookup of a pool's connector resource (or its absence): a lookup cost
     * more than a tenth of a chain step's dispatch, and a dispatcher connects several times per step. A pool made or
     * removed with asadmin is seen by new connections after at most this long.
     */
    static final long LOOKUP_TTL_NANOS = 1_000_000_000L;

    private final Map<String, Looked> looked = new ConcurrentHashMap<>();

    private record Looked(ComputeConnectionFactory factory, long at) {
    }

    /** Where a pool is defined. */
    public enum Source {
        /** A connector resource, made with asadmin (server-config/, the admin console). */
        SERVER_CONFIG,
        /** A definition stored through the API. */
        API
    }

    /** The names of the pools there are now, of both sources, sorted. */
    public List<String> poolNames() {
        TreeSet<String> names = new TreeSet<>(boundNames());
        em.createNamedQuery(PoolDefinition.ALL, PoolDefinition.class).getResultList()
                .forEach(definition -> names.add(definition.getName()));
        return new ArrayList<>(names);
    }

    /** Where the pool of that name is defined, if there is one. */
    public Optional<Source> source(String pool) {
        if (bound(pool) != null) {
            return Optional.of(Source.SERVER_CONFIG);
        }
        return definition(pool).map(d -> Source.API);
    }

    public boolean exists(String pool) {
        return source(pool).isPresent();
    }

    /**
     * Opens a connection to a pool; close it with try-with-resources. A pool that is not there (removed, not yet
     * recreated after a redeploy, or the adapter is not running) is a {@link Problem.Kind#UNAVAILABLE}.
     */
    public ComputeConnection connect(String pool) {
        ComputeConnectionFactory factory = recentlyBound(pool);
        if (factory == null) {
            factory = definition(pool).map(this::factory).orElse(null);
        }
        if (factory == null) {
            throw new Problem(Problem.Kind.UNAVAILABLE, "pool '" + pool + "' is not available now; pools: "
                    + String.join(", ", poolNames()));
        }
        return factory.getConnection();
    }

    /**
     * Why a pool cannot take tasks now (it is not there, does not answer or says it is down), or empty when it is up.
     * Callers whose submission failed ask this to tell a pool that is down (wait) from one that refused the task.
     */
    public Optional<String> downReason(String pool) {
        try (ComputeConnection connection = connect(pool)) {
            PoolStatus status = connection.ping();
            return status.up() ? Optional.empty()
                    : Optional.of(status.detail() == null || status.detail().isBlank() ? "down" : status.detail());
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The pool kinds of the running resource adapter. */
    public PoolKinds kinds() {
        return PoolKinds.Registry.current().orElseThrow(() -> new Problem(Problem.Kind.UNAVAILABLE,
                "the compute resource adapter is not running"));
    }

    /**
     * The properties a stored definition is made with: its own, with the pool's name and its state folder under the
     * data folder as defaults, and each secret's value read from where it is kept.
     *
     * @throws Problem (400) when a secret cannot be found
     */
    public Map<String, String> effectiveProperties(String name, String kind, Map<String, String> properties,
                                                   Map<String, String> secrets) {
        Map<String, String> effective = new LinkedHashMap<>();
        List<String> known = kinds().properties(kind).stream().map(PoolKinds.Property::name).toList();
        if (known.contains("poolName")) {
            effective.put("poolName", name);
        }
        if (known.contains("stateDir")) {
            effective.put("stateDir", settings.dataDir().resolve("pools").resolve(name).toString());
        }
        effective.putAll(properties);
        secrets.forEach((property, reference) -> effective.put(property, secret(name, property, reference)));
        return effective;
    }

    /** Forgets the factory made for a stored pool and stops its backend (its tasks keep running). */
    public void forget(String pool) {
        Made old = made.remove(pool);
        if (old != null) {
            PoolKinds.Registry.current().ifPresent(kinds -> kinds.release(old.factory()));
        }
    }

    private ComputeConnectionFactory factory(PoolDefinition definition) {
        Made current = made.get(definition.getName());
        if (current != null && current.version() == definition.getVersion()) {
            return current.factory();
        }
        PoolKinds kinds = PoolKinds.Registry.current().orElse(null);
        if (kinds == null) {
            return null;
        }
        ComputeConnectionFactory factory;
        try {
            factory = kinds.create(definition.getKind(), effectiveProperties(definition.getName(),
                    definition.getKind(), definition.properties(), definition.secrets()));
        } catch (IllegalArgumentException | Problem e) {
            throw new Problem(Problem.Kind.UNAVAILABLE, "pool '" + definition.getName() + "' cannot be made: "
                    + e.getMessage(), e);
        }
        Made replaced = made.put(definition.getName(), new Made(definition.getVersion(), factory));
        if (replaced != null && replaced.factory() != factory) {
            kinds.release(replaced.factory());
        }
        return factory;
    }

    private Optional<PoolDefinition> definition(String pool) {
        if (pool == null || !pool.matches(NAME_PATTERN)) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(PoolDefinition.class, pool));
    }

    private static String secret(String pool, String property, String reference) {
        return ConfigProvider.getConfig().getOptionalValue(reference, String.class)
                .filter(value -> !value.isEmpty())
                .orElseThrow(() -> Problem.badRequest("pool '" + pool + "': the secret '" + reference
                        + "' for property '" + property + "' was not found; create it with `asadmin create-password-alias "
                        + reference + "` or as a MicroProfile Config property of that name"));
    }

    private List<String> boundNames() {
        List<String> names = new ArrayList<>();
        try {
            NamingEnumeration<NameClassPair> entries = new InitialContext().list(POOL_CONTEXT);
            while (entries.hasMore()) {
                String name = entries.next().getName();
                // Payara also binds a non-transactional twin of every resource as NAME__pm
                if (!name.endsWith("__pm") && !name.endsWith("__nontx")) {
                    names.add(name);
                }
            }
        } catch (NamingException e) {
            LOG.log(Level.FINE, "no pools bound under " + POOL_CONTEXT, e);
        }
        return names;
    }

    /** {@link #bound}, looked up again once the last lookup is {@link #LOOKUP_TTL_NANOS} old. */
    private ComputeConnectionFactory recentlyBound(String pool) {
        long now = System.nanoTime();
        Looked last = pool == null ? null : looked.get(pool);
        if (last != null && now - last.at() < LOOKUP_TTL_NANOS) {
            return last.factory();
        }
        ComputeConnectionFactory factory = bound(pool);
        if (pool != null && pool.matches(NAME_PATTERN)) {
            if (looked.size() >= 1_000) {
                looked.clear(); // names asked for that are no pool's must not pile up
            }
            looked.put(pool, new Looked(factory, now));
        }
        return factory;
    }

    private ComputeConnectionFactory bound(String pool) {
        if (pool == null || !pool.matches(NAME_PATTERN)) {
            return null;
        }
        try {
            Object bound = new InitialContext().lookup(POOL_CONTEXT + "/" + pool);
            return bound instanceof ComputeConnectionFactory factory ? factory : null;
        } catch (NamingException e) {
            return null;
        }
    }

    private record Made(long version, ComputeConnectionFactory factory) {
    }
}
