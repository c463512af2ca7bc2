package io.cairn.compute.ra.local;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ra.Backend;
import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import io.cairn.compute.ra.ComputeConnectionHandle;
import io.cairn.compute.ra.ComputeManagedConnectionFactory;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A pool of local processes. Create one with
 * {@code asadmin create-connector-connection-pool --raname <app>#compute-rar --connectiondefinition
 * io.cairn.compute.ra.local.LocalConnectionFactory --property slots=2:stateDir=/var/lib/cairn/local local-pool}.
 */
@ConnectionDefinition(
        connectionFactory = LocalConnectionFactory.class,
        connectionFactoryImpl = LocalConnectionFactoryHandle.class,
        connection = ComputeConnection.class,
        connectionImpl = ComputeConnectionHandle.class)
public class LocalManagedConnectionFactory extends ComputeManagedConnectionFactory {

    private static final long serialVersionUID = 1L;
    private static final String DEFAULT_POOL_NAME = "local";
    private static final int DEFAULT_SLOTS = 2;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_POOL_NAME,
            description = "Name of the pool, used in log messages and in the default state folder.")
    private String poolName = DEFAULT_POOL_NAME;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SLOTS,
            description = "How many tasks may run at once; further tasks wait and start in submission order.")
    private Integer slots = DEFAULT_SLOTS;

    @ConfigProperty(type = String.class,
            description = "Folder holding a control folder per task and the task-id index; it must survive server"
                    + " restarts for running tasks to be adopted. Default: <java.io.tmpdir>/cairn-compute/<poolName>.")
    private String stateDir;

    @ConfigProperty(type = String.class, defaultValue = LocalBackend.LAUNCHER_AUTO,
            description = "How tasks are started: perl (a long-lived launcher per pool forks them; the fastest),"
                    + " shell (the server starts each through setsid and a shell wrapper) or auto (perl where"
                    + " /usr/bin/perl exists, else shell).")
    private String launcher = LocalBackend.LAUNCHER_AUTO;

    public String getPoolName() {
        return poolName;
    }

    public void setPoolName(String poolName) {
        this.poolName = poolName == null || poolName.isBlank() ? DEFAULT_POOL_NAME : poolName.trim();
    }

    public Integer getSlots() {
        return slots;
    }

    public void setSlots(Integer slots) {
        this.slots = slots == null ? DEFAULT_SLOTS : slots;
    }

    public String getStateDir() {
        return stateDir;
    }

    /** A blank value means the default. */
    public void setStateDir(String stateDir) {
        this.stateDir = stateDir == null || stateDir.isBlank() ? null : stateDir.trim();
    }

    public String getLauncher() {
        return launcher;
    }

    /** A blank value means {@code auto}. */
    public void setLauncher(String launcher) {
        this.launcher = launcher == null || launcher.isBlank() ? LocalBackend.LAUNCHER_AUTO : launcher.trim();
    }

    /** The state folder in use: the configured one, or one per pool name under the temporary folder. */
    public Path effectiveStateDir() {
        Path dir = stateDir != null ? Path.of(stateDir)
                : Path.of(System.getProperty("java.io.tmpdir"), "cairn-compute",
                        poolName.replaceAll("[^A-Za-z0-9._-]", "_"));
        return dir.toAbsolutePath().normalize();
    }

    @Override
    public String kind() {
        return LocalBackend.KIND;
    }

    @Override
    public Map<String, Object> configuration() {
        return Map.of("poolName", poolName, "slots", slots, "stateDir", effectiveStateDir().toString(),
                "launcher", launcher);
    }

    @Override
    protected String backendIdentity() {
        return LocalBackend.KIND + ":" + effectiveStateDir();
    }

    @Override
    protected Backend createBackend(Executor executor) {
        return new LocalBackend(new LocalBackend.Settings(poolName, slots, effectiveStateDir(), launcher), executor);
    }

    @Override
    protected ComputeConnectionFactoryHandle createConnectionFactoryHandle(ConnectionManager manager) {
        return new LocalConnectionFactoryHandle(this, manager);
    }
}
