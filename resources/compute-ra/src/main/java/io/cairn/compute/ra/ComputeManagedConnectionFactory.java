package io.cairn.compute.ra;

import io.cairn.compute.ComputeException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.EISSystemException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.security.auth.Subject;

/**
 * What the managed connection factories of all backend kinds share. A subclass holds the kind's
 * {@code @ConfigProperty} fields (kept there so that the container finds them on the class it instantiates), says
 * how to make its backend and which connection factory class to hand out.
 *
 * <p>Two factories are equal when they are of the same kind and all their configuration properties are equal; the
 * pool's backend is looked up in the resource adapter by {@link #backendIdentity()}.
 */
public abstract class ComputeManagedConnectionFactory
        implements ManagedConnectionFactory, ResourceAdapterAssociation, ValidatingManagedConnectionFactory,
        TransactionSupport {

    private static final long serialVersionUID = 1L;

    private transient ResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    /** The backend kind, such as {@code local}. */
    public abstract String kind();

    /** Every configuration property with its effective value (defaults applied); no null values. */
    public abstract Map<String, Object> configuration();

    /**
     * What the backend owns exclusively (a state folder, a daemon and namespace, ...). One backend runs per identity
     * in a resource adapter.
     */
    protected abstract String backendIdentity();

    /** Makes the pool's backend; called once per identity and configuration. */
    protected abstract Backend createBackend(Executor executor);

    /** Makes the kind's connection factory, which implements the kind's connection factory interface. */
    protected abstract ComputeConnectionFactoryHandle createConnectionFactoryHandle(ConnectionManager manager);

    @Override
    public Object createConnectionFactory(ConnectionManager manager) {
        return createConnectionFactoryHandle(manager);
    }

    /** A factory that works outside a server: every connection gets a managed connection of its own. */
    @Override
    public Object createConnectionFactory() {
        return createConnectionFactoryHandle(new StandaloneConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        try {
            return new ComputeManagedConnection(this, subject, info, backend());
        } catch (ComputeException | IllegalArgumentException e) {
            EISSystemException failure = new EISSystemException(
                    "cannot reach the " + kind() + " compute backend: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** The pool's backend, shared with every equal factory of the same resource adapter. */
    protected Backend backend() {
        return adapter().backend(backendIdentity(), configuration(), this::createBackend);
    }

    private ComputeResourceAdapter adapter() {
        return resourceAdapter instanceof ComputeResourceAdapter adapter ? adapter
                : ComputeResourceAdapter.standalone();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info) {
        for (Object candidate : candidates) {
            if (candidate instanceof ComputeManagedConnection connection && connection.matches(this, subject, info)) {
                return connection;
            }
        }
        return null;
    }

    /** Managed connections whose backend was shut down (adapter stopped or pool reconfigured) are invalid. */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set connections) {
        Set invalid = new HashSet();
        for (Object candidate : connections) {
            if (candidate instanceof ComputeManagedConnection connection && !connection.isUsable()) {
                invalid.add(connection);
            }
        }
        return invalid;
    }

    @Override
    public TransactionSupportLevel getTransactionSupport() {
        return TransactionSupportLevel.NoTransaction;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) throws ResourceException {
        if (resourceAdapter != null && resourceAdapter != adapter) {
            throw new ResourceException("this managed connection factory already belongs to a resource adapter");
        }
        resourceAdapter = adapter;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public boolean equals(Object other) {
        return other != null && other.getClass() == getClass()
                && configuration().equals(((ComputeManagedConnectionFactory) other).configuration());
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass().getName(), configuration());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + configuration();
    }
}
