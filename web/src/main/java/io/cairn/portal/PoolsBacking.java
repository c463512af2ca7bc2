package io.cairn.portal;

import io.cairn.pools.boundary.Pools;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;

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
    }

    @Inject
    Pools pools;

    private List<Row> rows;

    public List<Row> getPools() {
        if (rows == null) {
            rows = pools.list().stream().map(Row::new).toList();
        }
        return rows;
    }
}
