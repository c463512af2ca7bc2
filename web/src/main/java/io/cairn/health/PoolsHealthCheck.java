package io.cairn.health;

import io.cairn.pools.boundary.Pools;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Pings every pool through its connector. Each pool is one entry of the check's data
 * ({@code UP} or {@code DOWN: reason}); the check is DOWN when no pool is up, since then no run
 * can make progress.
 */
@Readiness
@ApplicationScoped
public class PoolsHealthCheck implements HealthCheck {

    @Inject
    Pools pools;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("pools");
        boolean anyUp = false;
        for (Pools.PoolView pool : pools.list()) {
            anyUp |= pool.up();
            response.withData(pool.name(), pool.up()
                    ? "UP (" + pool.kind() + ", " + pool.running() + "/" + pool.slots() + " slots busy, " + pool.queued() + " queued)"
                    : "DOWN: " + pool.detail());
        }
        return response.status(anyUp).build();
    }
}
