package io.cairn.compute.ra;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The application's handle on a compute pool. Every method first checks that the handle is still valid, and throws
 * {@link IllegalStateException} once it was closed or invalidated by the container. Closing tells the container
 * ({@code CONNECTION_CLOSED}) and leaves the tasks running.
 */
public class ComputeConnectionHandle implements ComputeConnection {

    private volatile ComputeManagedConnection connection;

    ComputeConnectionHandle(ComputeManagedConnection connection) {
        this.connection = connection;
    }

    @Override
    public String submit(TaskSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return backend().submit(spec);
    }

    @Override
    public TaskStatus status(String backendId) {
        Objects.requireNonNull(backendId, "backendId");
        return backend().status(backendId);
    }

    @Override
    public TaskStatus await(String backendId, Duration timeout) {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(timeout, "timeout");
        return backend().await(backendId, timeout);
    }

    @Override
    public Map<String, TaskStatus> awaitAny(Collection<String> backendIds, Duration timeout) {
        Objects.requireNonNull(backendIds, "backendIds");
        Objects.requireNonNull(timeout, "timeout");
        return backend().awaitAny(backendIds, timeout);
    }

    @Override
    public LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes) {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(stream, "stream");
        return backend().logs(backendId, stream, offset, maxBytes);
    }

    @Override
    public void cancel(String backendId) {
        Objects.requireNonNull(backendId, "backendId");
        backend().cancel(backendId);
    }

    @Override
    public PoolStatus ping() {
        ComputeManagedConnection current = valid();
        try {
            return current.backend().ping();
        } catch (RuntimeException e) {
            return new PoolStatus(current.kind(), false, 0, 0, 0, String.valueOf(e.getMessage()));
        }
    }

    /** Closes the handle; closing it again does nothing. */
    @Override
    public void close() {
        ComputeManagedConnection current;
        synchronized (this) {
            current = connection;
            connection = null;
        }
        if (current != null) {
            current.handleClosed(this);
        }
    }

    /** Whether the handle can still be used. */
    public boolean isValid() {
        return connection != null;
    }

    void invalidate() {
        connection = null;
    }

    /** Moves the handle to another managed connection; returns the one it had. */
    synchronized ComputeManagedConnection associate(ComputeManagedConnection target) {
        ComputeManagedConnection previous = connection;
        connection = target;
        return previous;
    }

    private Backend backend() {
        return valid().backend();
    }

    private ComputeManagedConnection valid() {
        ComputeManagedConnection current = connection;
        if (current == null) {
            throw new IllegalStateException("the compute connection is closed");
        }
        return current;
    }
}
