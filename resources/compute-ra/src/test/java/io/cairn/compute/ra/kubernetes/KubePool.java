package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.ComputeResourceAdapter;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A kubernetes pool wired as the server wires it, on an API server given by URL (fabric8's mock server in the
 * tests). Closing it stops the adapter, which is what a server crash or redeploy does to the backend: Jobs stay.
 * The claim is "mounted" at {@code root}: the test's folder stands for the storage the server and the pods share.
 */
final class KubePool implements AutoCloseable {

    static final String TOKEN = "s3cret-token-value";
    static final String CLAIM = "cairn-work";

    final ComputeResourceAdapter adapter = new ComputeResourceAdapter();
    final KubernetesManagedConnectionFactory managedFactory = new KubernetesManagedConnectionFactory();
    final ComputeConnectionFactory factory;

    KubePool(String masterUrl, String namespace, String poolName, Path root, int slots) {
        adapter.start(null);
        managedFactory.setPoolName(poolName);
        managedFactory.setSlots(slots);
        managedFactory.setMasterUrl(masterUrl);
        managedFactory.setNamespace(namespace);
        managedFactory.setTrustCerts(true);
        managedFactory.setTokenFile(tokenFile(root).toString());
        managedFactory.setCaCertFile(root.resolve("no-ca.crt").toString());
        managedFactory.setClaimName(CLAIM);
        managedFactory.setMountPath(root.toString());
        managedFactory.setStateDir(root.resolve("state").toString());
        try {
            managedFactory.setResourceAdapter(adapter);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
        factory = (ComputeConnectionFactory) managedFactory.createConnectionFactory();
    }

    ComputeConnection connect() {
        return factory.getConnection();
    }

    @Override
    public void close() {
        adapter.stop();
    }

    /** The token file of the pool under {@code root}, written once. */
    static Path tokenFile(Path root) {
        Path file = root.resolve("token");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, TOKEN + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A task under {@code root/<taskId>/}: work folder, and stdout and stderr in a folder that does not exist. */
    static TaskSpec task(Path root, String taskId, String... command) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, List.of(command), Map.of("PATH", "/host/bin", "HOME", dir.resolve("work")
                .toString()), dir.resolve("work").toString(), null, dir.resolve("logs/stdout.txt").toString(),
                dir.resolve("logs/stderr.txt").toString(), 1, 0, null);
    }
}
