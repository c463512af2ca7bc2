package io.cairn.compute.ra;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.security.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

/**
 * A pooled connection to a compute pool. It holds no physical connection of its own: the pool's backend is shared,
 * so destroying a managed connection never touches tasks. Transactions are not supported.
 */
public class ComputeManagedConnection implements ManagedConnection {

    private final ComputeManagedConnectionFactory factory;
    private final Subject subject;
    private final ConnectionRequestInfo info;
    private final Backend backend;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ComputeConnectionHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile boolean destroyed;
    private PrintWriter logWriter;

    ComputeManagedConnection(ComputeManagedConnectionFactory factory, Subject subject, ConnectionRequestInfo info,
                             Backend backend) {
        this.factory = factory;
        this.subject = subject;
        this.info = info;
        this.backend = backend;
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (destroyed) {
            throw new ResourceException("the managed connection was destroyed");
        }
        ComputeConnectionHandle handle = new ComputeConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof ComputeConnectionHandle handle)) {
            throw new ResourceException("not a compute connection handle: " + connection);
        }
        if (destroyed) {
            throw new ResourceException("the managed connection was destroyed");
        }
        ComputeManagedConnection previous = handle.associate(this);
        if (previous != null && previous != this) {
            previous.handles.remove(handle);
        }
        handles.add(handle);
    }

    /** Invalidates every handle; the container may then hand this managed connection out again. */
    @Override
    public void cleanup() {
        for (ComputeConnectionHandle handle : handles) {
            handle.invalidate();
        }
        handles.clear();
    }

    @Override
    public void destroy() {
        destroyed = true;
        cleanup();
        listeners.clear();
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("compute pools do not take part in transactions");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("compute pools do not take part in transactions");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new MetaData(factory.kind(), userName());
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** The backend, for a valid handle of this connection. */
    Backend backend() {
        if (destroyed) {
            throw new IllegalStateException("the connection was destroyed");
        }
        return backend;
    }

    String kind() {
        return factory.kind();
    }

    /** Whether this connection was made by an equal factory for the same caller. */
    boolean matches(ComputeManagedConnectionFactory requester, Subject requestSubject,
                    ConnectionRequestInfo requestInfo) {
        return !destroyed && factory.equals(requester) && Objects.equals(subject, requestSubject)
                && Objects.equals(info, requestInfo);
    }

    boolean isUsable() {
        return !destroyed && !backend.isShutdown();
    }

    /** Called by a handle that the application closed. */
    void handleClosed(ComputeConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionClosed(event);
        }
    }

    private String userName() {
        if (subject == null) {
            return null;
        }
        return subject.getPrincipals().stream().map(Principal::getName).findFirst().orElse(null);
    }

    private record MetaData(String kind, String user) implements ManagedConnectionMetaData {

        @Override
        public String getEISProductName() {
            return "Cairn compute (" + kind + ")";
        }

        @Override
        public String getEISProductVersion() {
            return "1.0";
        }

        @Override
        public int getMaxConnections() {
            return 0;
        }

        @Override
        public String getUserName() {
            return user;
        }
    }
}
