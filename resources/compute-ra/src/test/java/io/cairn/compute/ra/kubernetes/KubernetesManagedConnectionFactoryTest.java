package io.cairn.compute.ra.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeException;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import jakarta.resource.spi.TransactionSupport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration of kubernetes pools, and what a pool does when its API server does not answer. */
class KubernetesManagedConnectionFactoryTest {

    @TempDir
    Path root;

    @Test
    void defaultsAndBlankValues() {
        KubernetesManagedConnectionFactory factory = new KubernetesManagedConnectionFactory();
        factory.setMasterUrl(" ");
        factory.setNamespace("");
        factory.setTokenFile(null);
        factory.setServiceAccount(" ");
        factory.setTrustCerts(null);
        assertEquals("kubernetes", factory.kind());
        assertEquals("https://kubernetes.default.svc", factory.configuration().get("masterUrl"));
        assertEquals("default", factory.configuration().get("namespace"));
        assertEquals("/var/run/secrets/kubernetes.io/serviceaccount/token", factory.configuration().get("tokenFile"));
        assertEquals("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                factory.configuration().get("caCertFile"));
        assertEquals(false, factory.configuration().get("trustCerts"));
        assertEquals("cairn-work", factory.configuration().get("claimName"));
        assertEquals("/var/lib/cairn", factory.configuration().get("mountPath"));
        assertEquals("busybox:1.36", factory.configuration().get("defaultImage"));
        assertEquals("", factory.configuration().get("serviceAccount"));
        assertEquals(4, factory.configuration().get("slots"));
        assertEquals("", factory.configuration().get("token"), "no token: tokenFile is read");
        assertEquals(13, factory.configuration().size(), factory.configuration()::toString);
        assertEquals(TransactionSupport.TransactionSupportLevel.NoTransaction, factory.getTransactionSupport());
    }

    @Test
    void equalWhenAllPropertiesAreEqual() {
        KubernetesManagedConnectionFactory one = new KubernetesManagedConnectionFactory();
        KubernetesManagedConnectionFactory two = new KubernetesManagedConnectionFactory();
        one.setStateDir(root.toString());
        two.setStateDir(root.toString());
        assertEquals(one, two);
        assertEquals(one.hashCode(), two.hashCode());
        two.setClaimName("other");
        assertNotEquals(one, two);
    }

    @Test
    void withoutAnApiServerThePoolIsDownAndSubmitFailsNamingItButNotTheToken() throws IOException {
        String url;
        try (ServerSocket socket = new ServerSocket(0)) {
            url = "https://127.0.0.1:" + socket.getLocalPort();
        }
        try (KubePool pool = new KubePool(url, "ns", "pool-a", root, 1); ComputeConnection connection =
                pool.connect()) {
            PoolStatus status = connection.ping();
            assertFalse(status.up());
            assertEquals("kubernetes", status.kind());
            assertTrue(status.detail().contains("the Kubernetes API at " + url + " does not answer"),
                    status.detail());
            assertFalse(status.detail().contains(KubePool.TOKEN));
            ComputeException refused = assertThrows(ComputeException.class,
                    () -> connection.submit(KubePool.task(root, "t1", "true")));
            assertTrue(refused.getMessage().contains("does not answer"), refused.getMessage());
            assertFalse(refused.getMessage().contains(KubePool.TOKEN));
            assertEquals(TaskState.SYSTEM_ERROR, connection.status("not-a-task").state());
        }
    }

    @Test
    void aRunningTaskWaitsWhileItsApiServerIsAwayInsteadOfFailing() throws InterruptedException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init();
        KubernetesClient client = server.createClient();
        try (KubePool pool = new KubePool(client.getConfiguration().getMasterUrl(), "ns", "pool-a", root, 1);
             ComputeConnection connection = pool.connect()) {
            String id = connection.submit(KubePool.task(root, "t1", "true"));
            new FakeJobController(client, "ns").start(id);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (connection.status(id).state() != TaskState.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20); // a poll with a deadline
            }
            assertEquals(TaskState.RUNNING, connection.status(id).state());
            server.shutdown();
            TaskStatus status = connection.await(id, Duration.ofSeconds(1));
            assertEquals(TaskState.RUNNING, status.state(), "the last state seen: the Job runs on without its API");
            assertFalse(connection.ping().up());
            ComputeException cancel = assertThrows(ComputeException.class, () -> connection.cancel(id),
                    "a cancel that cannot reach the server says so");
            assertTrue(cancel.getMessage().contains("does not answer"), cancel.getMessage());
        } finally {
            client.close();
        }
    }
}
