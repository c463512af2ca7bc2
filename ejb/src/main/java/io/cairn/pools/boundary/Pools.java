package io.cairn.pools.boundary;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.PoolStatus;
import io.cairn.pools.control.ComputeGateway;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;

/** Lists the compute pools with their kind, capacity, load and health. */
@Stateless
public class Pools {

    /** A pool as users see it. */
    public record PoolView(String name, String kind, boolean up, int slots, int running, int queued, String detail) {
    }

    @Inject
    ComputeGateway gateway;

    public List<PoolView> list() {
        return gateway.poolNames().stream().map(this::view).toList();
    }

    public PoolView view(String name) {
        try (ComputeConnection connection = gateway.connect(name)) {
            PoolStatus status = connection.ping();
            return new PoolView(name, status.kind(), status.up(), status.slots(), status.running(), status.queued(), status.detail());
        } catch (RuntimeException e) {
            return new PoolView(name, "unknown", false, 0, 0, 0, "not reachable: " + e.getMessage());
        }
    }
}
