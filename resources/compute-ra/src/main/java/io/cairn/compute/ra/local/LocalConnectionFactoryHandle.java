package io.cairn.compute.ra.local;

import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import jakarta.resource.spi.ConnectionManager;

/** The connection factory bound in JNDI for a local pool. */
public class LocalConnectionFactoryHandle extends ComputeConnectionFactoryHandle implements LocalConnectionFactory {

    private static final long serialVersionUID = 1L;

    LocalConnectionFactoryHandle(LocalManagedConnectionFactory factory, ConnectionManager manager) {
        super(factory, manager);
    }
}
