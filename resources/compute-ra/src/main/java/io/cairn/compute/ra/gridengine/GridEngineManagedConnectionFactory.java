package io.cairn.compute.ra.gridengine;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ra.Backend;
import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import io.cairn.compute.ra.ComputeConnectionHandle;
import io.cairn.compute.ra.ComputeManagedConnectionFactory;
import io.cairn.compute.ra.batch.BatchBackend;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A pool of Grid Engine batch jobs. Create one with
 * {@code asadmin create-connector-connection-pool --raname <app>#compute-rar --connectiondefinition
 * io.cairn.compute.ra.gridengine.GridEngineConnectionFactory --property sgeRoot=/var/lib/gridengine:sgeCell=default:
 * parallelEnvironment=smp:sharedRoot=/shared/cairn:slots=16 sge-pool}.
 *
 * <p>The server runs {@code qsub}, {@code qstat}, {@code qacct} and {@code qdel} on its own host, which must be a
 * submit host of the cell and see the cell's accounting file (qacct reads it). Jobs run as the server's user, or as
 * {@code submitUser}; Grid Engine refuses jobs of users below the cell's {@code min_uid} (1000 by default, so root
 * too). The task's folders must be on a file system the execution hosts share with the server ({@code sharedRoot}).
 */
@ConnectionDefinition(
        connectionFactory = GridEngineConnectionFactory.class,
        connectionFactoryImpl = GridEngineConnectionFactoryHandle.class,
        connection = ComputeConnection.class,
        connectionImpl = ComputeConnectionHandle.class)
public class GridEngineManagedConnectionFactory extends ComputeManagedConnectionFactory {

    private static final long serialVersionUID = 1L;
    private static final String DEFAULT_POOL_NAME = "gridengine";
    private static final int DEFAULT_SLOTS = 16;
    private static final String DEFAULT_CELL = "default";
    private static final String DEFAULT_MEMORY_RESOURCE = "h_vmem";
    private static final double DEFAULT_RATE = 10;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_POOL_NAME,
            description = "Name of the pool, used in log messages, the poller thread and the default state folder.")
    private String poolName = DEFAULT_POOL_NAME;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SLOTS,
            description = "How many tasks may be handed to Grid Engine at once; further tasks wait in the pool's"
                    + " queue and are submitted in submission order.")
    private Integer slots = DEFAULT_SLOTS;

    @ConfigProperty(type = String.class,
            description = "Folder holding a record per task (its job id); it must survive server restarts for jobs"
                    + " to be adopted. Default: <java.io.tmpdir>/cairn-compute/<poolName>.")
    private String stateDir;

    @ConfigProperty(type = String.class, description = "Queue to submit to (qsub -q); empty for any queue.")
    private String queue;

    @ConfigProperty(type = String.class,
            description = "SGE_ROOT for the Grid Engine tools; empty for the server's own environment.")
    private String sgeRoot;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_CELL, description = "SGE_CELL for the Grid Engine tools.")
    private String sgeCell = DEFAULT_CELL;

    @ConfigProperty(type = String.class,
            description = "Parallel environment (allocation_rule $pe_slots) through which a task with several cores"
                    + " gets that many slots on one host (qsub -pe); empty to run every task in one slot.")
    private String parallelEnvironment;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_MEMORY_RESOURCE,
            description = "Resource that carries a task's memory, per slot (qsub -l h_vmem=512M); 'none' to request"
                    + " no memory.")
    private String memoryResource = DEFAULT_MEMORY_RESOURCE;

    @ConfigProperty(type = String.class,
            description = "User that runs the Grid Engine tools and so the jobs: through runuser when the server"
                    + " runs as root, through sudo -n otherwise; empty for the server's own user.")
    private String submitUser;

    @ConfigProperty(type = String.class,
            description = "Folder holding qsub, qstat, qacct, qdel and qconf (such as $SGE_ROOT/bin/lx-amd64); empty"
                    + " to find them on the server's PATH.")
    private String binDir;

    @ConfigProperty(type = String.class,
            description = "Folder shared with the execution hosts under which every task's working folder and log"
                    + " files must lie; empty to allow any absolute path.")
    private String sharedRoot;

    @ConfigProperty(type = Double.class, defaultValue = "" + DEFAULT_RATE,
            description = "At most this many job submissions per second (each qsub waits for qmaster).")
    private Double submitRatePerSecond = DEFAULT_RATE;

    public String getPoolName() {
        return poolName;
    }

    public void setPoolName(String poolName) {
        this.poolName = blankToNull(poolName) == null ? DEFAULT_POOL_NAME : poolName.trim();
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

    public void setStateDir(String stateDir) {
        this.stateDir = blankToNull(stateDir);
    }

    public String getQueue() {
        return queue;
    }

    public void setQueue(String queue) {
        this.queue = blankToNull(queue);
    }

    public String getSgeRoot() {
        return sgeRoot;
    }

    public void setSgeRoot(String sgeRoot) {
        this.sgeRoot = blankToNull(sgeRoot);
    }

    public String getSgeCell() {
        return sgeCell;
    }

    public void setSgeCell(String sgeCell) {
        this.sgeCell = blankToNull(sgeCell) == null ? DEFAULT_CELL : sgeCell.trim();
    }

    public String getParallelEnvironment() {
        return parallelEnvironment;
    }

    public void setParallelEnvironment(String parallelEnvironment) {
        this.parallelEnvironment = blankToNull(parallelEnvironment);
    }

    public String getMemoryResource() {
        return memoryResource;
    }

    /** A resource name, or {@code none}; empty means the default, {@code h_vmem}. */
    public void setMemoryResource(String memoryResource) {
        String value = blankToNull(memoryResource);
        if (value != null && !value.equalsIgnoreCase("none") && !value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("memoryResource must be a Grid Engine resource name or none, not "
                    + memoryResource);
        }
        this.memoryResource = value == null ? DEFAULT_MEMORY_RESOURCE
                : value.equalsIgnoreCase("none") ? "none" : value;
    }

    public String getSubmitUser() {
        return submitUser;
    }

    public void setSubmitUser(String submitUser) {
        String value = blankToNull(submitUser);
        if (value != null && !value.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("submitUser must be a user name, not " + submitUser);
        }
        this.submitUser = value;
    }

    public String getBinDir() {
        return binDir;
    }

    public void setBinDir(String binDir) {
        this.binDir = blankToNull(binDir);
    }

    public String getSharedRoot() {
        return sharedRoot;
    }

    public void setSharedRoot(String sharedRoot) {
        this.sharedRoot = blankToNull(sharedRoot);
    }

    public Double getSubmitRatePerSecond() {
        return submitRatePerSecond;
    }

    public void setSubmitRatePerSecond(Double submitRatePerSecond) {
        this.submitRatePerSecond = submitRatePerSecond == null ? DEFAULT_RATE : submitRatePerSecond;
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
        return GridEngineScheduler.KIND;
    }

    @Override
    public Map<String, Object> configuration() {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("poolName", poolName);
        configuration.put("slots", slots);
        configuration.put("stateDir", effectiveStateDir().toString());
        configuration.put("queue", String.valueOf(queue));
        configuration.put("sgeRoot", String.valueOf(sgeRoot));
        configuration.put("sgeCell", sgeCell);
        configuration.put("parallelEnvironment", String.valueOf(parallelEnvironment));
        configuration.put("memoryResource", memoryResource);
        configuration.put("submitUser", String.valueOf(submitUser));
        configuration.put("binDir", String.valueOf(binDir));
        configuration.put("sharedRoot", String.valueOf(sharedRoot));
        configuration.put("submitRatePerSecond", submitRatePerSecond);
        return configuration;
    }

    @Override
    protected String backendIdentity() {
        return GridEngineScheduler.KIND + ":" + effectiveStateDir();
    }

    @Override
    protected Backend createBackend(Executor executor) {
        return new BatchBackend(scheduler(), new BatchBackend.Settings(poolName, slots, effectiveStateDir(),
                sharedRoot == null ? null : Path.of(sharedRoot), submitRatePerSecond));
    }

    /** The Grid Engine client this configuration describes. */
    GridEngineScheduler scheduler() {
        return new GridEngineScheduler(options());
    }

    GridEngineOptions options() {
        return new GridEngineOptions(sgeRoot, sgeCell, queue, parallelEnvironment,
                "none".equals(memoryResource) ? null : memoryResource, submitUser, binDir);
    }

    @Override
    protected ComputeConnectionFactoryHandle createConnectionFactoryHandle(ConnectionManager manager) {
        return new GridEngineConnectionFactoryHandle(this, manager);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
