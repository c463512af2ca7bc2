package io.cairn.compute.ra;

import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskStatus;
import java.time.Duration;

/**
 * What one backend kind (local processes, Docker, Slurm, ...) implements. One instance serves a whole pool: every
 * managed connection of the pool delegates to it, so it owns the pool's slot counter and queue. The semantics of
 * each method are those of {@link io.cairn.compute.ComputeConnection}.
 */
public interface Backend {

    String submit(TaskSpec spec);

    TaskStatus status(String backendId);

    TaskStatus await(String backendId, Duration timeout);

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
