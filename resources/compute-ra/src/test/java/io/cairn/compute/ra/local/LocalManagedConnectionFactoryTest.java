package io.cairn.compute.ra.local;

import static io.cairn.compute.ra.local.LocalPool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.ComputeConnectionHandle;
import io.cairn.compute.ra.ComputeResourceAdapter;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.TransactionSupport.TransactionSupportLevel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration of local pools: identity of factories, defaults, sharing of the backend, and the connector metadata. */
class LocalManagedConnectionFactoryTest {

    @TempDir
    Path root;

    @Test
    void equalityCoversEveryConfigurationProperty() {
        LocalManagedConnectionFactory base = configured(f -> { });
        LocalManagedConnectionFactory same = configured(f -> { });
        List<LocalManagedConnectionFactory> different = List.of(
                configured(f -> f.setPoolName("other")),
                configured(f -> f.setSlots(3)),
                configured(f -> f.setStateDir(root.resolve("elsewhere").toString())));

        assertEquals(base, same);
        assertEquals(base.hashCode(), same.hashCode());
        for (LocalManagedConnectionFactory other : different) {
            assertNotEquals(base, other, other.toString());
            assertNotEquals(base.hashCode(), other.hashCode(), other.toString());
        }
    }

    @Test
    void defaultsMatchTheDocumentation() {
        LocalManagedConnectionFactory factory = new LocalManagedConnectionFactory();

        assertEquals("local", factory.getPoolName());
        assertEquals(2, factory.getSlots());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "cairn-compute", "local").toAbsolutePath(),
                factory.effectiveStateDir());
        factory.setStateDir(" ");
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "cairn-compute", "local").toAbsolutePath(),
                factory.effectiveStateDir(), "a blank state folder (an unset property) means the default");
    }

    @Test
    void equalFactoriesShareOneBackendWithOneSlotCounter() throws ResourceException {
        ComputeResourceAdapter adapter = new ComputeResourceAdapter();
        adapter.start(null);
        try {
            LocalManagedConnectionFactory one = configured(f -> f.setSlots(1));
            LocalManagedConnectionFactory two = configured(f -> f.setSlots(1));
            one.setResourceAdapter(adapter);
            two.setResourceAdapter(adapter);
            try (ComputeConnection first = ((ComputeConnectionFactory) one.createConnectionFactory()).getConnection();
                 ComputeConnection second = ((ComputeConnectionFactory) two.createConnectionFactory()).getConnection()) {
                String blocker = first.submit(task(root, "blocker", "sleep", "300"));

                String waiting = second.submit(task(root, "waiting", "/bin/true"));

                assertEquals(TaskState.QUEUED, second.status(waiting).state(), "the slot is taken by the other factory");
                assertEquals(TaskState.RUNNING, second.status(blocker).state());
                PoolStatus status = second.ping();
                assertEquals(1, status.running());
                assertEquals(1, status.queued());
                second.cancel(blocker);
                assertEquals(TaskState.COMPLETE, first.await(waiting, Duration.ofSeconds(10)).state());
            }
        } finally {
            adapter.stop();
        }
    }

    @Test
    void aReconfiguredPoolReplacesItsBackendAndKeepsItsTasks() throws ResourceException {
        ComputeResourceAdapter adapter = new ComputeResourceAdapter();
        adapter.start(null);
        try {
            LocalManagedConnectionFactory before = configured(f -> f.setSlots(1));
            LocalManagedConnectionFactory after = configured(f -> f.setSlots(2));
            before.setResourceAdapter(adapter);
            after.setResourceAdapter(adapter);
            ManagedConnection old = before.createManagedConnection(null, null);
            String id;
            try (ComputeConnection connection = (ComputeConnection) old.getConnection(null, null)) {
                id = connection.submit(task(root, "kept", "sleep", "0.3"));
            }

            try (ComputeConnection connection = ((ComputeConnectionFactory) after.createConnectionFactory())
                    .getConnection()) {
                assertEquals(2, connection.ping().slots());
                assertEquals(TaskState.COMPLETE, connection.await(id, Duration.ofSeconds(10)).state());
            }
            assertEquals(Set.of(old), before.getInvalidConnections(Set.of(old)));
        } finally {
            adapter.stop();
        }
    }

    @Test
    void connectorMetadataIsWhatTheContainerNeeds() throws ReflectiveOperationException {
        Connector connector = ComputeResourceAdapter.class.getAnnotation(Connector.class);
        assertNotNull(connector);
        assertEquals(TransactionSupportLevel.NoTransaction, connector.transactionSupport());

        ConnectionDefinition definition = LocalManagedConnectionFactory.class.getAnnotation(ConnectionDefinition.class);
        assertEquals(LocalConnectionFactory.class, definition.connectionFactory());
        assertTrue(definition.connectionFactory().isAssignableFrom(definition.connectionFactoryImpl()));
        assertEquals(ComputeConnection.class, definition.connection());
        assertEquals(ComputeConnectionHandle.class, definition.connectionImpl());

        LocalManagedConnectionFactory fresh = new LocalManagedConnectionFactory();
        List<String> names = new ArrayList<>();
        for (Field field : LocalManagedConnectionFactory.class.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property == null) {
                continue;
            }
            names.add(field.getName());
            assertEquals(field.getType(), property.type(), field.getName());
            assertTrue(!property.description()[0].isBlank(), field.getName());
            String setter = "set" + Character.toUpperCase(field.getName().charAt(0)) + field.getName().substring(1);
            Method method = LocalManagedConnectionFactory.class.getMethod(setter, field.getType());
            assertNotNull(method, setter);
            field.setAccessible(true);
            Object initial = field.get(fresh);
            assertEquals(property.defaultValue(), initial == null ? "" : initial.toString(),
                    "the declared default of " + field.getName() + " is the one in effect");
        }
        assertEquals(Set.of("poolName", "slots", "stateDir", "launcher"), Set.copyOf(names));
        assertEquals(Set.copyOf(names), fresh.configuration().keySet());
    }

    private LocalManagedConnectionFactory configured(Consumer<LocalManagedConnectionFactory> change) {
        LocalManagedConnectionFactory factory = new LocalManagedConnectionFactory();
        factory.setStateDir(root.resolve("state").toString());
        change.accept(factory);
        return factory;
    }
}
