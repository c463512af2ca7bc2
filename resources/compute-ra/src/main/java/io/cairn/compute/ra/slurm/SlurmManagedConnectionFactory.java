package io.cairn.compute.ra.slurm;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ra.Backend;
import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import io.cairn.compute.ra.ComputeConnectionHandle;
import io.cairn.compute.ra.ComputeManagedConnectionFactory;
import io.cairn.compute.ra.Secrets;
import io.cairn.compute.ra.batch.ApptainerCommand;
import io.cairn.compute.ra.batch.BatchBackend;
import io.cairn.compute.ra.batch.Scheduler;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A pool of Slurm batch jobs. Create one with
 * {@code asadmin create-connector-connection-pool --raname <app>#compute-rar --connectiondefinition
 * io.cairn.compute.ra.slurm.SlurmConnectionFactory --property mode=rest:restUrl=http\://127.0.0.1\:6820:
 * restUser=slurmci:jwtFile=/etc/cairn/slurm.jwt:sharedRoot=/shared/cairn:slots=16 slurm-pool}.
 *
 * <p>In {@code cli} mode the server runs {@code sbatch}, {@code scontrol} and {@code scancel} on its own host (a
 * Slurm submit host), and jobs run as the server's user. In {@code ssh} mode it runs the same tools on a login node
 * over one SSH session ({@code sshHost}, {@code sshUser}, {@code sshKeyFile}, {@code sshKnownHostsFile}), and jobs
 * run as the SSH user. In {@code rest} mode it talks to slurmrestd with a JWT, and
 * jobs run as {@code restUser}. Either way the task's folders must be on a file system the nodes share with the
 * server ({@code sharedRoot}), since the server reads the logs there.
 */
@ConnectionDefinition(
        connectionFactory = SlurmConnectionFactory.class,
        connectionFactoryImpl = SlurmConnectionFactoryHandle.class,
        connection = ComputeConnection.class,
        connectionImpl = ComputeConnectionHandle.class)
public class SlurmManagedConnectionFactory extends ComputeManagedConnectionFactory {

    private static final long serialVersionUID = 1L;
    private static final String DEFAULT_POOL_NAME = "slurm";
    private static final int DEFAULT_SLOTS = 16;
    private static final String DEFAULT_MODE = "cli";
    private static final double DEFAULT_RATE = 20;
    private static final int DEFAULT_SSH_PORT = 22;
    private static final int DEFAULT_SSH_CONNECT_TIMEOUT = 15;
    private static final String DEFAULT_HOST_KEY_POLICY = "strict";
    private static final int DEFAULT_ARRAY_THRESHOLD = 32;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_POOL_NAME,
            description = "Name of the pool, used in log messages, the poller thread and the default state folder.")
    private String poolName = DEFAULT_POOL_NAME;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SLOTS,
            description = "How many tasks may be handed to Slurm at once; further tasks wait in the pool's queue"
                    + " and are submitted in submission order.")
    private Integer slots = DEFAULT_SLOTS;

    @ConfigProperty(type = String.class,
            description = "Folder holding a record per task (its job id); it must survive server restarts for jobs"
                    + " to be adopted. Default: <java.io.tmpdir>/cairn-compute/<poolName>.")
    private String stateDir;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_MODE,
            description = "How to reach Slurm: cli (sbatch, scontrol, scancel on this host), ssh (the same tools on"
                    + " a login node over SSH) or rest (slurmrestd).")
    private String mode = DEFAULT_MODE;

    @ConfigProperty(type = String.class, description = "Partition to submit to; empty for the cluster's default.")
    private String partition;

    @ConfigProperty(type = String.class,
            description = "slurm.conf for the command-line tools (their SLURM_CONF); empty for their default.")
    private String slurmConf;

    @ConfigProperty(type = String.class,
            description = "slurmrestd's base URL in rest mode, for example http://127.0.0.1:6820.")
    private String restUrl;

    @ConfigProperty(type = String.class,
            description = "User name sent to slurmrestd (X-SLURM-USER-NAME); jobs run as this user.")
    private String restUser;

    @ConfigProperty(type = String.class,
            description = "File holding the JWT of restUser (from scontrol token); read at every request, never"
                    + " logged. Keep it readable by the server only.")
    private String jwtFile;

    @ConfigProperty(type = String.class, confidential = true,
            description = "The JWT of restUser itself, instead of jwtFile: give it as a password alias"
                    + " (${ALIAS=name}) or, for pools made through the API, under secrets. Never logged or shown.")
    private String jwt;

    @ConfigProperty(type = String.class,
            description = "Folder shared with the nodes under which every task's working folder and log files must"
                    + " lie; empty to allow any absolute path.")
    private String sharedRoot;

    @ConfigProperty(type = Double.class, defaultValue = "" + DEFAULT_RATE,
            description = "At most this many job submissions per second.")
    private Double submitRatePerSecond = DEFAULT_RATE;

    @ConfigProperty(type = String.class,
            description = "Slurm's jobcomp/filetxt file (JobCompLoc), read for the end of jobs that slurmctld has"
                    + " already forgotten (after MinJobAge); empty to rely on slurmctld only.")
    private String jobCompFile;

    @ConfigProperty(type = String.class, description = "ssh mode: the login node's host name or address.")
    private String sshHost;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SSH_PORT, description = "ssh mode: its port.")
    private Integer sshPort = DEFAULT_SSH_PORT;

    @ConfigProperty(type = String.class, description = "ssh mode: the user to log in as; jobs run as this user.")
    private String sshUser;

    @ConfigProperty(type = String.class,
            description = "ssh mode: file holding the private key (OpenSSH or PEM format, no passphrase); read at"
                    + " each connect, never logged. Keep it readable by the server only.")
    private String sshKeyFile;

    @ConfigProperty(type = String.class,
            description = "ssh mode: OpenSSH known_hosts file the login node's host key is checked against.")
    private String sshKnownHostsFile;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_HOST_KEY_POLICY,
            description = "ssh mode: strict (refuse a host whose key is not in sshKnownHostsFile) or accept-new"
                    + " (add an unknown host's key to the file on first contact). A changed key is always refused.")
    private String sshHostKeyPolicy = DEFAULT_HOST_KEY_POLICY;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SSH_CONNECT_TIMEOUT,
            description = "ssh mode: seconds to wait for the connection and the login.")
    private Integer sshConnectTimeoutSeconds = DEFAULT_SSH_CONNECT_TIMEOUT;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_ARRAY_THRESHOLD,
            description = "When more than this many tasks with the same resource requests wait in the pool's queue,"
                    + " they are submitted as one Slurm job array; 0 never uses arrays.")
    private Integer arrayThreshold = DEFAULT_ARRAY_THRESHOLD;

    @ConfigProperty(type = Integer.class, defaultValue = "0",
            description = "How many elements of a job array may run at once (--array=...%N); 0 for the pool's"
                    + " slots, and never more than the slots.")
    private Integer arrayThrottle = 0;

    @ConfigProperty(type = String.class, defaultValue = "none",
            description = "Container runtime on the nodes for tasks that name an image: apptainer, singularity or"
                    + " none (tasks that require an image are refused, the others run on the nodes' hosts).")
    private String containerRuntime = "none";

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

    public String getMode() {
        return mode;
    }

    /** {@code cli}, {@code ssh} or {@code rest}, case-insensitive. */
    public void setMode(String mode) {
        String value = blankToNull(mode);
        if (value == null) {
            this.mode = DEFAULT_MODE;
            return;
        }
        value = value.toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("cli") && !value.equals("ssh") && !value.equals("rest")) {
            throw new IllegalArgumentException("mode must be cli, ssh or rest, not " + mode);
        }
        this.mode = value;
    }

    public String getPartition() {
        return partition;
    }

    public void setPartition(String partition) {
        this.partition = blankToNull(partition);
    }

    public String getSlurmConf() {
        return slurmConf;
    }

    public void setSlurmConf(String slurmConf) {
        this.slurmConf = blankToNull(slurmConf);
    }

    public String getRestUrl() {
        return restUrl;
    }

    public void setRestUrl(String restUrl) {
        this.restUrl = blankToNull(restUrl);
    }

    public String getRestUser() {
        return restUser;
    }

    public void setRestUser(String restUser) {
        this.restUser = blankToNull(restUser);
    }

    public String getJwtFile() {
        return jwtFile;
    }

    public String getJwt() {
        return jwt;
    }

    public void setJwt(String jwt) {
        this.jwt = blankToNull(jwt);
    }

    public void setJwtFile(String jwtFile) {
        this.jwtFile = blankToNull(jwtFile);
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

    public String getJobCompFile() {
        return jobCompFile;
    }

    public void setJobCompFile(String jobCompFile) {
        this.jobCompFile = blankToNull(jobCompFile);
    }

    public String getSshHost() {
        return sshHost;
    }

    public void setSshHost(String sshHost) {
        this.sshHost = blankToNull(sshHost);
    }

    public Integer getSshPort() {
        return sshPort;
    }

    public void setSshPort(Integer sshPort) {
        this.sshPort = sshPort == null ? DEFAULT_SSH_PORT : sshPort;
    }

    public String getSshUser() {
        return sshUser;
    }

    public void setSshUser(String sshUser) {
        this.sshUser = blankToNull(sshUser);
    }

    public String getSshKeyFile() {
        return sshKeyFile;
    }

    public void setSshKeyFile(String sshKeyFile) {
        this.sshKeyFile = blankToNull(sshKeyFile);
    }

    public String getSshKnownHostsFile() {
        return sshKnownHostsFile;
    }

    public void setSshKnownHostsFile(String sshKnownHostsFile) {
        this.sshKnownHostsFile = blankToNull(sshKnownHostsFile);
    }

    public String getSshHostKeyPolicy() {
        return sshHostKeyPolicy;
    }

    /** {@code strict} or {@code accept-new}. */
    public void setSshHostKeyPolicy(String sshHostKeyPolicy) {
        this.sshHostKeyPolicy = SshCommands.HostKeyPolicy.parse(sshHostKeyPolicy) == SshCommands.HostKeyPolicy.STRICT
                ? "strict" : "accept-new";
    }

    public Integer getSshConnectTimeoutSeconds() {
        return sshConnectTimeoutSeconds;
    }

    public void setSshConnectTimeoutSeconds(Integer sshConnectTimeoutSeconds) {
        this.sshConnectTimeoutSeconds = sshConnectTimeoutSeconds == null || sshConnectTimeoutSeconds < 1
                ? DEFAULT_SSH_CONNECT_TIMEOUT : sshConnectTimeoutSeconds;
    }

    public Integer getArrayThreshold() {
        return arrayThreshold;
    }

    public void setArrayThreshold(Integer arrayThreshold) {
        this.arrayThreshold = arrayThreshold == null ? DEFAULT_ARRAY_THRESHOLD : arrayThreshold;
    }

    public Integer getArrayThrottle() {
        return arrayThrottle;
    }

    public void setArrayThrottle(Integer arrayThrottle) {
        this.arrayThrottle = arrayThrottle == null ? 0 : arrayThrottle;
    }

    public String getContainerRuntime() {
        return containerRuntime;
    }

    /** {@code apptainer}, {@code singularity} or {@code none}. */
    public void setContainerRuntime(String containerRuntime) {
        ApptainerCommand.Runtime runtime = ApptainerCommand.Runtime.parse(containerRuntime);
        this.containerRuntime = runtime == null ? "none" : runtime.program();
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
        return SlurmBackends.KIND;
    }

    /** Every property (the token file's name, never the token). */
    @Override
    public Map<String, Object> configuration() {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("poolName", poolName);
        configuration.put("slots", slots);
        configuration.put("stateDir", effectiveStateDir().toString());
        configuration.put("mode", mode);
        configuration.put("partition", String.valueOf(partition));
        configuration.put("slurmConf", String.valueOf(slurmConf));
        configuration.put("restUrl", String.valueOf(restUrl));
        configuration.put("restUser", String.valueOf(restUser));
        configuration.put("jwtFile", String.valueOf(jwtFile));
        // only a digest: the configuration is compared and may be logged, the token never is
        configuration.put("jwt", Secrets.digest(jwt));
        configuration.put("sharedRoot", String.valueOf(sharedRoot));
        configuration.put("submitRatePerSecond", submitRatePerSecond);
        configuration.put("jobCompFile", String.valueOf(jobCompFile));
        configuration.put("sshHost", String.valueOf(sshHost));
        configuration.put("sshPort", sshPort);
        configuration.put("sshUser", String.valueOf(sshUser));
        configuration.put("sshKeyFile", String.valueOf(sshKeyFile));
        configuration.put("sshKnownHostsFile", String.valueOf(sshKnownHostsFile));
        configuration.put("sshHostKeyPolicy", sshHostKeyPolicy);
        configuration.put("sshConnectTimeoutSeconds", sshConnectTimeoutSeconds);
        configuration.put("arrayThreshold", arrayThreshold);
        configuration.put("arrayThrottle", arrayThrottle);
        configuration.put("containerRuntime", containerRuntime);
        return configuration;
    }

    @Override
    protected String backendIdentity() {
        return SlurmBackends.KIND + ":" + effectiveStateDir();
    }

    @Override
    protected Backend createBackend(Executor executor) {
        return new BatchBackend(scheduler(), new BatchBackend.Settings(poolName, slots, effectiveStateDir(),
                sharedRoot == null ? null : Path.of(sharedRoot), submitRatePerSecond, arrayThreshold, arrayThrottle,
                ApptainerCommand.Runtime.parse(containerRuntime)));
    }

    /** The Slurm client the mode asks for. */
    Scheduler scheduler() {
        SlurmOptions options = new SlurmOptions(partition, slurmConf, jobCompFile == null ? null : Path.of(jobCompFile),
                restUrl == null ? null : URI.create(restUrl), restUser, jwtFile == null ? null : Path.of(jwtFile), jwt);
        return switch (mode) {
            case "rest" -> new SlurmRest(options);
            case "ssh" -> new SlurmCli(options, new SshCommands(sshTarget(), java.time.Duration.ofSeconds(60)));
            default -> new SlurmCli(options);
        };
    }

    /** The login node of ssh mode. */
    SshCommands.Target sshTarget() {
        return new SshCommands.Target(sshHost, sshPort, sshUser, sshKeyFile == null ? null : Path.of(sshKeyFile),
                sshKnownHostsFile == null ? null : Path.of(sshKnownHostsFile),
                SshCommands.HostKeyPolicy.parse(sshHostKeyPolicy),
                java.time.Duration.ofSeconds(sshConnectTimeoutSeconds));
    }

    @Override
    protected ComputeConnectionFactoryHandle createConnectionFactoryHandle(ConnectionManager manager) {
        return new SlurmConnectionFactoryHandle(this, manager);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
