package io.cairn.compute.ra;

import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one backend kind (local processes, Docker, Slurm, ...) implements. One instance serves a whole pool: every
 * managed connection of the pool delegates to it, so it owns the pool's slot counter and queue. The semantics of
 * each method are those of {@link io.cairn.compute.ComputeConnection}.
 */
public interface Backend {

    String submit(TaskSpec spec);

    TaskStatus status(String backendId);

    TaskStatus await(String backendId, Duration timeout);

    /**
     * As {@link io.cairn.compute.ComputeConnection#awaitAny}; this default polls {@link #status(String)} like the
     * connection's default does. Backends that learn of ends (exit events, a poller of their own) wait for those.
     */
    default Map<String, TaskStatus> awaitAny(Collection<String> backendIds, Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, Math.min(timeout.toMillis(), Long.MAX_VALUE / 4_000_000)) * 1_000_000L;
        long pause = 5;
        while (true) {
            Map<String, TaskStatus> statuses = new LinkedHashMap<>();
            boolean ended = false;
            for (String backendId : backendIds) {
                TaskStatus status = status(backendId);
                statuses.put(backendId, status);
                ended |= status.state().isTerminal();
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (ended || left <= 0 || backendIds.isEmpty()) {
                return statuses;
            }
            try {
                Thread.sleep(Math.min(pause, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return statuses;
            }
            pause = Math.min(250, pause * 2);
        }
    }

    LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes);

    void cancel(String backendId);

    /** Never throws. */
    PoolStatus ping();

    /**
     * Stops watching and starting tasks and releases what the backend holds. Tasks that run keep running and queued
     * tasks stay queued, so that the next backend on the same state (after a redeploy or a server restart) adopts
     * them.
     */
    void shutdown();

    boolean isShutdown();
}
