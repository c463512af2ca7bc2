package io.cairn.health;

import io.cairn.pools.boundary.Pools;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Pings every pool every five seconds, and right after a pool is added, changed or removed, and feeds the pings to
 * the per-pool readiness checks ({@link PoolHealthChecks}).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PoolHealthMonitor {

    private static final Logger LOG = Logger.getLogger(PoolHealthMonitor.class.getName());

    @Inject
    Pools pools;

    private PoolHealthChecks checks;
    private boolean warned;

    @PostConstruct
    void start() {
        Optional<PoolHealthChecks.Registrar> registrar = PayaraHealthRegistrar.find();
        // the key prefix keeps the checks of one domain apart from another deployment's in the same server
        registrar.ifPresent(found -> checks = new PoolHealthChecks(found, "cairn#"));
        // no ping here: while the application starts, the connector resources of the EAR's own adapter are not
        // bound yet (the lookups would fail and be logged as SEVERE); the first tick comes within 5 s
    }

    @PreDestroy
    void stop() {
        if (checks != null) {
            checks.clear();
        }
    }

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false, info = "ping the pools for /health")
    void tick() {
        refresh();
    }

    /** Pings the pools now; called after every change of a pool so that /health/ready shows it at once. */
    public void refresh() {
        if (checks == null) {
            return;
        }
        try {
            List<PoolHealthChecks.Ping> pings = pools.list().stream()
                    .map(pool -> new PoolHealthChecks.Ping(pool.name(), pool.kind(), pool.up(), pool.slots(),
                            pool.running(), pool.queued(), pool.detail()))
                    .toList();
            Set<String> refused;
            synchronized (this) {
                refused = checks.update(pings, Instant.now());
            }
            if (!refused.isEmpty() && !warned) {
                warned = true;
                LOG.warning(() -> "the server refused the health checks of the pools " + refused);
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot ping the pools for /health: " + e);
        }
    }
}
