package io.cairn.compute.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection manager of a factory used outside a server: no pooling, each connection gets its own managed
 * connection, which is destroyed when the handle closes. Managed connections are cheap (the backend is shared).
 */
final class StandaloneConnectionManager implements ConnectionManager {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(StandaloneConnectionManager.class.getName());

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection connection = factory.createManagedConnection(null, info);
        connection.addConnectionEventListener(new DestroyOnClose());
        return connection.getConnection(null, info);
    }

    private static final class DestroyOnClose implements ConnectionEventListener {

        @Override
        public void connectionClosed(ConnectionEvent event) {
            destroy(event);
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            destroy(event);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
            // no transactions
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
            // no transactions
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
            // no transactions
        }

        private static void destroy(ConnectionEvent event) {
            try {
                ((ManagedConnection) event.getSource()).destroy();
            } catch (ResourceException e) {
                LOG.log(Level.FINE, "could not destroy a managed connection", e);
            }
        }
    }
}
