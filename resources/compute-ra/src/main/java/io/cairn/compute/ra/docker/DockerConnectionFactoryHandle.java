package io.cairn.compute.ra.docker;

import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import jakarta.resource.spi.ConnectionManager;

/** The connection factory bound in JNDI for a docker pool. */
public class DockerConnectionFactoryHandle extends ComputeConnectionFactoryHandle implements DockerConnectionFactory {

    private static final long serialVersionUID = 1L;

    DockerConnectionFactoryHandle(DockerManagedConnectionFactory factory, ConnectionManager manager) {
        super(factory, manager);
    }
}
