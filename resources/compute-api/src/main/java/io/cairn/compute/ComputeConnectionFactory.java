package io.cairn.compute;

import jakarta.resource.Referenceable;
import java.io.Serializable;

/**
 * Connection factory of one compute pool, bound in JNDI by a connector resource
 * (for example {@code cairn/pool/local}).
 */
public interface ComputeConnectionFactory extends Serializable, Referenceable {

    /**
     * Opens a new connection handle. Handles are cheap: open one per operation with
     * try-with-resources and do not keep one across waits.
     *
     * @throws ComputeException if the pool cannot hand out a connection
     */
    ComputeConnection getConnection();
}
