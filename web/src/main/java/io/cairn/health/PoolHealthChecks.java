package io.cairn.health;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;

/**
 * One readiness check per pool, named {@code pool:NAME}, each answering from the latest ping of its pool.
 *
 * <p>Pools come and go at run time (API, portal, asadmin), while MicroProfile Health finds its checks once, at
 * deployment. So the checks are plain objects handed to a {@link Registrar} as pools appear and taken back when they
 * go. A check never pings in the health request itself: {@link #update} is fed by a timer and after every change of
 * a pool, so a slow backend cannot stall {@code /health/ready} and a probe storm cannot hit the backends. The ping
 * results it answers with are at most one refresh period old and say when they were taken.
 */
public final class PoolHealthChecks {

    /** Where the checks go: the server's health registry. */
    public interface Registrar {
        /** Adds the check under its own key; true when the server took it. */
        boolean register(String key, HealthCheck check);

        void unregister(String key);
    }

    /** What a ping of one pool said. */
    public record Ping(String name, String kind, boolean up, int slots, int running, int queued, String detail) {
        public Ping {
            Objects.requireNonNull(name, "name");
        }
    }

    static final String PREFIX = "pool:";

    private final Registrar registrar;
    private final String keyPrefix;
    private final Map<String, Answer> latest = new ConcurrentHashMap<>();

    private record Answer(Ping ping, Instant at) {
    }

    /**
     * @param keyPrefix what the registry keys start with, so that several deployments (or servers in one JVM, in
     *                  tests) do not take each other's checks
     */
    public PoolHealthChecks(Registrar registrar, String keyPrefix) {
        this.registrar = Objects.requireNonNull(registrar, "registrar");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    }

    /**
     * Takes the pings of all pools that exist now: new pools get a check, the checks of pools that are gone are
     * withdrawn, the others answer with the new ping from now on.
     *
     * @return the names of the pools whose check the registrar refused (none when it took them all)
     */
    public synchronized Set<String> update(Collection<Ping> pings, Instant at) {
        Set<String> refused = new TreeSet<>();
        Map<String, Ping> now = new LinkedHashMap<>();
        for (Ping ping : pings) {
            now.put(ping.name(), ping);
        }
        for (String gone : Set.copyOf(latest.keySet())) {
            if (!now.containsKey(gone)) {
                latest.remove(gone);
                registrar.unregister(key(gone));
            }
        }
        for (Ping ping : now.values()) {
            boolean known = latest.containsKey(ping.name());
            latest.put(ping.name(), new Answer(ping, at));
            if (!known && !registrar.register(key(ping.name()), new Check(ping.name()))) {
                latest.remove(ping.name());
                refused.add(ping.name());
            }
        }
        return refused;
    }

    /** Withdraws every check, as the application stops. */
    public synchronized void clear() {
        for (String name : latest.keySet()) {
            registrar.unregister(key(name));
        }
        latest.clear();
    }

    /** The names of the pools that have a check now. */
    public Set<String> pools() {
        return new TreeSet<>(latest.keySet());
    }

    /** What the check of that pool answers now, or null when it has none. */
    public HealthCheckResponse answer(String pool) {
        Answer answer = latest.get(pool);
        if (answer == null) {
            return null;
        }
        Ping ping = answer.ping();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", ping.kind());
        data.put("checked", answer.at().toString());
        if (ping.up()) {
            data.put("slots", (long) ping.slots());
            data.put("running", (long) ping.running());
            data.put("queued", (long) ping.queued());
        }
        if (ping.detail() != null && !ping.detail().isBlank()) {
            data.put(ping.up() ? "detail" : "reason", ping.detail());
        }
        // built directly rather than through a builder, so that it needs no provider of the server's
        return new HealthCheckResponse(PREFIX + pool, ping.up() ? Status.UP : Status.DOWN, Optional.of(data));
    }

    private String key(String pool) {
        return keyPrefix + PREFIX + pool;
    }

    /** The check of one pool; it answers until it is withdrawn, and says so if asked after that. */
    private final class Check implements HealthCheck {
        private final String pool;

        Check(String pool) {
            this.pool = pool;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponse answer = answer(pool);
            return answer != null ? answer
                    : new HealthCheckResponse(PREFIX + pool, Status.UP, Optional.of(Map.of("removed", true)));
        }
    }
}
