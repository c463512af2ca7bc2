package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import jakarta.resource.spi.ConnectionManager;

/** The connection factory bound in JNDI for a kubernetes pool. */
public class KubernetesConnectionFactoryHandle extends ComputeConnectionFactoryHandle
        implements KubernetesConnectionFactory {

    private static final long serialVersionUID = 1L;

    KubernetesConnectionFactoryHandle(KubernetesManagedConnectionFactory factory, ConnectionManager manager) {
        super(factory, manager);
    }
}
