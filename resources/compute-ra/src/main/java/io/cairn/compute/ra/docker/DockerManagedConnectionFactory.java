package io.cairn.compute.ra.docker;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ra.Backend;
import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import io.cairn.compute.ra.ComputeConnectionHandle;
import io.cairn.compute.ra.ComputeManagedConnectionFactory;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A pool of Docker containers on one dockerd. Create one with
 * {@code asadmin create-connector-connection-pool --raname <app>#compute-rar --connectiondefinition
 * io.cairn.compute.ra.docker.DockerConnectionFactory --property
 * socket=/tmp/cairn-backends/docker/docker.sock:slots=2:stateDir=/var/lib/cairn/docker docker-pool}.
 *
 * <p>A task without an image runs in {@code defaultImage} (so that a workflow step without a DockerRequirement
 * still runs on a docker pool), and so does a task whose image is only a hint and not on dockerd; a task whose
 * image is required and missing fails with a SYSTEM_ERROR naming the image.
 */
@ConnectionDefinition(
        connectionFactory = DockerConnectionFactory.class,
        connectionFactoryImpl = DockerConnectionFactoryHandle.class,
        connection = ComputeConnection.class,
        connectionImpl = ComputeConnectionHandle.class)
public class DockerManagedConnectionFactory extends ComputeManagedConnectionFactory {

    private static final long serialVersionUID = 1L;
    private static final String DEFAULT_POOL_NAME = "docker";
    private static final int DEFAULT_SLOTS = 2;
    private static final String DEFAULT_SOCKET = "/var/run/docker.sock";
    private static final String DEFAULT_IMAGE = "cairn/busybox:latest";
    private static final String DEFAULT_PULL_POLICY = "never";
    private static final String DEFAULT_NETWORK = "bridge";

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_POOL_NAME,
            description = "Name of the pool: labels its containers (cairn.pool) and names the default state folder."
                    + " Two pools on one dockerd need different names.")
    private String poolName = DEFAULT_POOL_NAME;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SLOTS,
            description = "How many of the pool's containers may run at once; further tasks wait as created"
                    + " containers and start in submission order.")
    private Integer slots = DEFAULT_SLOTS;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_SOCKET,
            description = "Path of the Docker Engine API's unix socket.")
    private String socket = DEFAULT_SOCKET;

    @ConfigProperty(type = String.class,
            description = "Folder holding the results of finished tasks (their containers are removed); it must"
                    + " survive server restarts. Default: <java.io.tmpdir>/cairn-compute/<poolName>.")
    private String stateDir;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_IMAGE,
            description = "Image of tasks that name none (or name one only as a hint that dockerd lacks).")
    private String defaultImage = DEFAULT_IMAGE;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_PULL_POLICY,
            description = "never: only images dockerd has; missing: pull an image dockerd lacks.")
    private String pullPolicy = DEFAULT_PULL_POLICY;

    @ConfigProperty(type = String.class,
            description = "uid:gid the commands run as. Default: the owner of each task's work folder, so that"
                    + " outputs belong to the server's user.")
    private String user;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_NETWORK,
            description = "Docker network of tasks that ask for network access (CWL NetworkAccess); the others get"
                    + " none. A dockerd started with --bridge=none needs host here.")
    private String network = DEFAULT_NETWORK;

    public String getPoolName() {
        return poolName;
    }

    public void setPoolName(String poolName) {
        this.poolName = blank(poolName) ? DEFAULT_POOL_NAME : poolName.trim();
    }

    public Integer getSlots() {
        return slots;
    }

    public void setSlots(Integer slots) {
        this.slots = slots == null ? DEFAULT_SLOTS : slots;
    }

    public String getSocket() {
        return socket;
    }

    public void setSocket(String socket) {
        this.socket = blank(socket) ? DEFAULT_SOCKET : socket.trim();
    }

    public String getStateDir() {
        return stateDir;
    }

    /** A blank value means the default. */
    public void setStateDir(String stateDir) {
        this.stateDir = blank(stateDir) ? null : stateDir.trim();
    }

    public String getDefaultImage() {
        return defaultImage;
    }

    public void setDefaultImage(String defaultImage) {
        this.defaultImage = blank(defaultImage) ? DEFAULT_IMAGE : defaultImage.trim();
    }

    public String getPullPolicy() {
        return pullPolicy;
    }

    public void setPullPolicy(String pullPolicy) {
        this.pullPolicy = blank(pullPolicy) ? DEFAULT_PULL_POLICY : pullPolicy.trim().toLowerCase(Locale.ROOT);
    }

    public String getUser() {
        return user;
    }

    /** A blank value means the owner of each task's work folder. */
    public void setUser(String user) {
        this.user = blank(user) ? null : user.trim();
    }

    public String getNetwork() {
        return network;
    }

    public void setNetwork(String network) {
        this.network = blank(network) ? DEFAULT_NETWORK : network.trim();
    }

    /** The state folder in use: the configured one, or one per pool name under the temporary folder. */
    public Path effectiveStateDir() {
        Path dir = stateDir != null ? Path.of(stateDir)
                : Path.of(System.getProperty("java.io.tmpdir"), "cairn-compute",
                        poolName.replaceAll("[^A-Za-z0-9._-]", "_"));
        return dir.toAbsolutePath().normalize();
    }

    private Path effectiveSocket() {
        return Path.of(socket).toAbsolutePath().normalize();
    }

    @Override
    public String kind() {
        return DockerBackend.KIND;
    }

    @Override
    public Map<String, Object> configuration() {
        return Map.of("poolName", poolName, "slots", slots, "socket", effectiveSocket().toString(),
                "stateDir", effectiveStateDir().toString(), "defaultImage", defaultImage, "pullPolicy", pullPolicy,
                "user", user == null ? "" : user, "network", network);
    }

    /** The pool's containers on one dockerd (its label) and its state folder are what the backend owns. */
    @Override
    protected String backendIdentity() {
        return DockerBackend.KIND + ":" + effectiveSocket() + ":" + poolName;
    }

    @Override
    protected Backend createBackend(Executor executor) {
        return new DockerBackend(new DockerBackend.Settings(poolName, slots, effectiveSocket(), effectiveStateDir(),
                defaultImage, pullPolicy, user, network), executor);
    }

    @Override
    protected ComputeConnectionFactoryHandle createConnectionFactoryHandle(ConnectionManager manager) {
        return new DockerConnectionFactoryHandle(this, manager);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
