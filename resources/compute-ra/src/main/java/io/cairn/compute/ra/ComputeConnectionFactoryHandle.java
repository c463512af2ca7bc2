package io.cairn.compute.ra;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.ComputeException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import javax.naming.Reference;

/**
 * The connection factory bound in JNDI for a pool. Each backend kind subclasses it only to add its marker interface
 * (the connector's connection factory interface of that kind); applications use it as a
 * {@link ComputeConnectionFactory}.
 */
public class ComputeConnectionFactoryHandle implements ComputeConnectionFactory {

    private static final long serialVersionUID = 1L;

    private final ComputeManagedConnectionFactory factory;
    private final ConnectionManager manager;
    private Reference reference;

    protected ComputeConnectionFactoryHandle(ComputeManagedConnectionFactory factory, ConnectionManager manager) {
        this.factory = factory;
        this.manager = manager;
    }

    /** A new handle on every call; the container picks or makes the managed connection behind it. */
    @Override
    public ComputeConnection getConnection() {
        try {
            return (ComputeConnection) manager.allocateConnection(factory, null);
        } catch (ResourceException e) {
            throw new ComputeException("cannot open a connection to the " + factory.kind() + " compute pool: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
