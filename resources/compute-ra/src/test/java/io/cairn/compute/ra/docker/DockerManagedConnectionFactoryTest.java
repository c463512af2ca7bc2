package io.cairn.compute.ra.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.ComputeResourceAdapter;
import jakarta.resource.spi.TransactionSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration of docker pools, and what a pool does without a dockerd. */
class DockerManagedConnectionFactoryTest {

    @TempDir
    Path root;

    @Test
    void defaultsAndBlankValues() {
        DockerManagedConnectionFactory factory = new DockerManagedConnectionFactory();
        factory.setSocket(" ");
        factory.setDefaultImage("");
        factory.setPullPolicy(null);
        factory.setUser(" ");
        assertEquals("docker", factory.kind());
        assertEquals("/var/run/docker.sock", factory.configuration().get("socket"));
        assertEquals("cairn/busybox:latest", factory.configuration().get("defaultImage"));
        assertEquals("never", factory.configuration().get("pullPolicy"));
        assertEquals("", factory.configuration().get("user"));
        assertEquals("bridge", factory.configuration().get("network"));
        assertEquals(2, factory.configuration().get("slots"));
        assertEquals(TransactionSupport.TransactionSupportLevel.NoTransaction, factory.getTransactionSupport());
    }

    @Test
    void equalWhenAllPropertiesAreEqual() {
        DockerManagedConnectionFactory one = new DockerManagedConnectionFactory();
        DockerManagedConnectionFactory two = new DockerManagedConnectionFactory();
        one.setStateDir(root.toString());
        two.setStateDir(root.toString());
        assertEquals(one, two);
        assertEquals(one.hashCode(), two.hashCode());
        two.setPullPolicy("MISSING");
        assertEquals("missing", two.getPullPolicy());
        assertNotEquals(one, two);
    }

    @Test
    void withoutASocketThePoolIsDownAndSaysWhy() {
        ComputeResourceAdapter adapter = new ComputeResourceAdapter();
        adapter.start(null);
        try {
            DockerManagedConnectionFactory factory = new DockerManagedConnectionFactory();
            factory.setResourceAdapter(adapter);
            factory.setSocket(root.resolve("absent.sock").toString());
            factory.setStateDir(root.resolve("state").toString());
            DockerConnectionFactory connections = assertInstanceOf(DockerConnectionFactory.class,
                    factory.createConnectionFactory());
            try (ComputeConnection connection = connections.getConnection()) {
                PoolStatus status = connection.ping();
                assertFalse(status.up());
                assertEquals("docker", status.kind());
                assertTrue(status.detail().contains("no Docker socket at " + root.resolve("absent.sock")),
                        status.detail());
                assertEquals(TaskState.SYSTEM_ERROR, connection.status("not-a-task").state());
            }
        } catch (jakarta.resource.ResourceException e) {
            throw new AssertionError(e);
        } finally {
            adapter.stop();
        }
    }
}
