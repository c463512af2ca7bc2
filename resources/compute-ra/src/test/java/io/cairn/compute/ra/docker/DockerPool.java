package io.cairn.compute.ra.docker;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.ComputeResourceAdapter;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A docker pool wired as the server wires it, on the dockerd that {@code bin/backends/docker start} runs (its socket
 * in env CAIRN_DOCKER_SOCKET or system property cairn.docker.socket). Closing it stops the adapter, which is what a
 * server crash or redeploy does to the backend: containers keep running.
 */
final class DockerPool implements AutoCloseable {

    static final String IMAGE = "cairn/busybox:latest";

    final ComputeResourceAdapter adapter = new ComputeResourceAdapter();
    final DockerManagedConnectionFactory managedFactory = new DockerManagedConnectionFactory();
    final ComputeConnectionFactory factory;

    DockerPool(String poolName, Path stateDir, int slots) {
        adapter.start(null);
        managedFactory.setPoolName(poolName);
        managedFactory.setSlots(slots);
        managedFactory.setSocket(socket().toString());
        managedFactory.setStateDir(stateDir.toString());
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

    /**
     * The dockerd socket. Without one the test fails when the backends are required (CI=true or
     * -Dcairn.backends.required=true) and is skipped otherwise.
     */
    static Path socket() {
        String configured = System.getProperty("cairn.docker.socket", System.getenv("CAIRN_DOCKER_SOCKET"));
        boolean present = configured != null && !configured.isBlank() && Files.exists(Path.of(configured));
        boolean required = "true".equals(System.getenv("CI")) || Boolean.getBoolean("cairn.backends.required");
        String why = "no dockerd: run bin/backends/docker start and export the CAIRN_DOCKER_SOCKET it prints";
        if (required) {
            assertTrue(present, why + " (got " + configured + ")");
        } else {
            assumeTrue(present, why);
        }
        return Path.of(configured);
    }

    /** A raw client on the same dockerd, to check what the backend did independently of it. */
    static UnixHttpClient docker() {
        return new UnixHttpClient(socket());
    }

    /** Whether dockerd has a container of that name. */
    static boolean exists(String container) {
        try {
            int status = docker().send("GET", DockerBackend.API + "/containers/" + container + "/json", null,
                    Duration.ofSeconds(10)).status();
            if (status != 200 && status != 404) {
                throw new AssertionError("dockerd answered HTTP " + status);
            }
            return status == 200;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A busybox task under {@code root/<taskId>/}: work folder, stdout and stderr in a folder that does not exist. */
    static TaskSpec task(Path root, String taskId, String... command) {
        return task(root, taskId, IMAGE, List.of(command));
    }

    static TaskSpec task(Path root, String taskId, String image, List<String> command) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, command, Map.of("PATH", "/host/bin", "HOME", dir.resolve("work").toString()),
                dir.resolve("work").toString(), null, dir.resolve("logs/stdout.txt").toString(),
                dir.resolve("logs/stderr.txt").toString(), 1, 0, image);
    }

    static TaskSpec with(TaskSpec spec, String stdin, List<String> readOnly, boolean network, long timeLimit) {
        return new TaskSpec(spec.taskId(), spec.command(), spec.environment(), spec.workDir(), stdin, spec.stdout(),
                spec.stderr(), spec.cores(), spec.memoryMb(), spec.image(), spec.imageRequired(), readOnly, network,
                timeLimit);
    }

    static byte[] read(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A shell loop that runs until {@code marker} exists (gives up with exit code 3 after a minute). */
    static String runUntilExists(Path marker) {
        return "i=0; while [ ! -e '" + marker + "' ]; do [ $i -ge 1200 ] && exit 3; i=$((i + 1)); sleep 0.05; done";
    }
}
