package io.cairn.compute.ra.gridengine;

import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import jakarta.resource.spi.ConnectionManager;

/** The connection factory bound in JNDI for a Grid Engine pool. */
public class GridEngineConnectionFactoryHandle extends ComputeConnectionFactoryHandle
        implements GridEngineConnectionFactory {

    private static final long serialVersionUID = 1L;

    GridEngineConnectionFactoryHandle(GridEngineManagedConnectionFactory factory, ConnectionManager manager) {
        super(factory, manager);
    }
}
