package io.cairn.compute.ra.slurm;

import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import jakarta.resource.spi.ConnectionManager;

/** The connection factory bound in JNDI for a Slurm pool. */
public class SlurmConnectionFactoryHandle extends ComputeConnectionFactoryHandle implements SlurmConnectionFactory {

    private static final long serialVersionUID = 1L;

    SlurmConnectionFactoryHandle(SlurmManagedConnectionFactory factory, ConnectionManager manager) {
        super(factory, manager);
    }
}
