package io.cairn.compute.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.local.LocalConnectionFactory;
import io.cairn.compute.ra.local.LocalManagedConnectionFactory;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ManagedConnection;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.naming.Reference;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JCA lifecycle of connection handles and managed connections, as the container drives it. */
class ComputeConnectionHandleTest {

    @TempDir
    Path root;
    private final ComputeResourceAdapter adapter = new ComputeResourceAdapter();
    private LocalManagedConnectionFactory factory;

    @BeforeEach
    void setUp() throws ResourceException {
        adapter.start(null);
        factory = localFactory(root.resolve("state"), 2);
    }

    @AfterEach
    void tearDown() {
        adapter.stop();
    }

    @Test
    void everyMethodOfAClosedHandleThrowsIllegalState() throws ResourceException {
        ComputeConnection handle = (ComputeConnection) factory.createManagedConnection(null, null)
                .getConnection(null, null);
        handle.close();

        List<Consumer<ComputeConnection>> calls = List.of(
                c -> c.submit(task("t")),
                c -> c.status("id"),
                c -> c.await("id", Duration.ofMillis(1)),
                c -> c.logs("id", LogStream.STDOUT, 0, 1),
                c -> c.cancel("id"),
                ComputeConnection::ping);
        for (Consumer<ComputeConnection> call : calls) {
            assertThrows(IllegalStateException.class, () -> call.accept(handle));
        }
    }

    @Test
    void closeFiresConnectionClosedOnceWithTheHandle() throws ResourceException {
        ManagedConnection managed = factory.createManagedConnection(null, null);
        List<ConnectionEvent> events = new ArrayList<>();
        managed.addConnectionEventListener(new Recorder(events));
        ComputeConnection handle = (ComputeConnection) managed.getConnection(null, null);

        handle.close();
        handle.close();

        assertEquals(1, events.size());
        assertEquals(ConnectionEvent.CONNECTION_CLOSED, events.get(0).getId());
        assertSame(handle, events.get(0).getConnectionHandle());
        assertSame(managed, events.get(0).getSource());
    }

    @Test
    void cleanupAndDestroyInvalidateHandles() throws ResourceException {
        ManagedConnection managed = factory.createManagedConnection(null, null);
        ComputeConnection handle = (ComputeConnection) managed.getConnection(null, null);
        assertTrue(handle.ping().up());

        managed.cleanup();

        assertThrows(IllegalStateException.class, handle::ping);
        ComputeConnection reused = (ComputeConnection) managed.getConnection(null, null);
        assertTrue(reused.ping().up(), "a cleaned-up managed connection can be handed out again");
        managed.destroy();
        assertThrows(IllegalStateException.class, reused::ping);
        assertThrows(ResourceException.class, () -> managed.getConnection(null, null));
    }

    @Test
    void associateConnectionMovesAHandle() throws ResourceException {
        ManagedConnection first = factory.createManagedConnection(null, null);
        ManagedConnection second = factory.createManagedConnection(null, null);
        List<ConnectionEvent> events = new ArrayList<>();
        second.addConnectionEventListener(new Recorder(events));
        ComputeConnection handle = (ComputeConnection) first.getConnection(null, null);

        second.associateConnection(handle);
        first.cleanup();

        assertTrue(handle.ping().up(), "the handle now belongs to the second managed connection");
        handle.close();
        assertEquals(1, events.size());
    }

    @Test
    void transactionsAreNotSupported() throws ResourceException {
        ManagedConnection managed = factory.createManagedConnection(null, null);

        assertThrows(NotSupportedException.class, managed::getLocalTransaction);
        assertThrows(NotSupportedException.class, managed::getXAResource);
        assertEquals(jakarta.resource.spi.TransactionSupport.TransactionSupportLevel.NoTransaction,
                factory.getTransactionSupport());
        assertEquals("Cairn compute (local)", managed.getMetaData().getEISProductName());
    }

    @Test
    void matchingChecksTheFactoryConfigurationAndTheSubject() throws ResourceException {
        Subject alice = subject("alice");
        ManagedConnection anonymous = factory.createManagedConnection(null, null);
        ManagedConnection ofAlice = factory.createManagedConnection(alice, null);
        LocalManagedConnectionFactory other = localFactory(root.resolve("other"), 2);
        ManagedConnection ofOtherPool = other.createManagedConnection(null, null);
        LocalManagedConnectionFactory twin = localFactory(root.resolve("state"), 2);

        assertNull(factory.matchManagedConnections(Set.of(ofOtherPool), null, null));
        assertNull(factory.matchManagedConnections(Set.of(ofAlice), null, null));
        assertNull(factory.matchManagedConnections(Set.of(anonymous), alice, null));
        assertSame(anonymous, factory.matchManagedConnections(Set.of(ofOtherPool, anonymous), null, null));
        assertSame(ofAlice, twin.matchManagedConnections(Set.of(ofOtherPool, ofAlice), subject("alice"), null));
        anonymous.destroy();
        assertNull(factory.matchManagedConnections(Set.of(anonymous), null, null), "destroyed ones never match");
    }

    @Test
    void theConnectionFactoryHandsOutANewHandlePerCall() throws Exception {
        Object created = factory.createConnectionFactory();
        assertInstanceOf(LocalConnectionFactory.class, created);
        ComputeConnectionFactory connections = (ComputeConnectionFactory) created;
        Reference reference = new Reference(LocalConnectionFactory.class.getName());
        connections.setReference(reference);

        try (ComputeConnection one = connections.getConnection(); ComputeConnection two = connections.getConnection()) {
            assertNotSame(one, two);
            one.close();
            assertThrows(IllegalStateException.class, one::ping);
            assertTrue(two.ping().up(), "closing one handle leaves the other usable");
        }
        assertSame(reference, connections.getReference());
    }

    @Test
    void tasksOutliveTheHandleThatSubmittedThem() {
        ComputeConnectionFactory connections = (ComputeConnectionFactory) factory.createConnectionFactory();
        String id;
        try (ComputeConnection connection = connections.getConnection()) {
            id = connection.submit(task("outlives"));
        }
        try (ComputeConnection connection = connections.getConnection()) {
            assertEquals(TaskState.COMPLETE, connection.await(id, Duration.ofSeconds(10)).state());
        }
    }

    @Test
    void stoppingTheAdapterInvalidatesItsManagedConnections() throws ResourceException {
        ManagedConnection managed = factory.createManagedConnection(null, null);
        ComputeConnection handle = (ComputeConnection) managed.getConnection(null, null);

        adapter.stop();

        assertEquals(Set.of(managed), factory.getInvalidConnections(Set.of(managed)));
        PoolStatus status = handle.ping();
        assertFalse(status.up());
        assertEquals("local", status.kind());
    }

    @Test
    void pingDescribesThePool() throws ResourceException {
        ComputeConnection handle = (ComputeConnection) factory.createManagedConnection(null, null)
                .getConnection(null, null);

        PoolStatus status = handle.ping();

        assertEquals("local", status.kind());
        assertTrue(status.up());
        assertEquals(2, status.slots());
        assertEquals(0, status.running());
        assertEquals(0, status.queued());
        assertTrue(status.detail().startsWith("local processes on "), status.detail());
    }

    private LocalManagedConnectionFactory localFactory(Path stateDir, int slots) throws ResourceException {
        LocalManagedConnectionFactory created = new LocalManagedConnectionFactory();
        created.setSlots(slots);
        created.setStateDir(stateDir.toString());
        created.setResourceAdapter(adapter);
        return created;
    }

    private TaskSpec task(String taskId) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, List.of("/bin/true"), Map.of(), dir.toString(), null,
                dir.resolve("out").toString(), dir.resolve("err").toString(), 1, 0, null);
    }

    private static Subject subject(String name) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new NamedPrincipal(name));
        return subject;
    }

    private record NamedPrincipal(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    private record Recorder(List<ConnectionEvent> events) implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
            events.add(event);
        }
    }
}
