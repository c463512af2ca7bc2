package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.ComputeResourceAdapter;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The Slurm started by {@code bin/backends/slurm start}, found through the variables it prints (or system
 * properties of the same name in lower case with dots: {@code cairn.slurm.rest.url}). When they are missing the
 * daemon tests fail under {@code CI=true} or {@code -Dcairn.backends.required=true} and are skipped otherwise.
 */
final class SlurmDaemon {

    static final Map<String, String> PATH = Map.of("PATH", "/usr/bin:/bin");

    final String restUrl = setting("CAIRN_SLURM_REST_URL");
    final String user = setting("CAIRN_SLURM_USER");
    final String jwtFile = setting("CAIRN_SLURM_JWT_FILE");
    final String conf = setting("CAIRN_SLURM_CONF");
    final String jobComp = setting("CAIRN_SLURM_JOBCOMP_FILE");
    final String shared = setting("CAIRN_SLURM_SHARED_DIR");
    final String sshHost = setting("CAIRN_SLURM_SSH_HOST");
    final String sshPort = setting("CAIRN_SLURM_SSH_PORT");
    final String sshUser = setting("CAIRN_SLURM_SSH_USER");
    final String sshKeyFile = setting("CAIRN_SLURM_SSH_KEY_FILE");
    final String sshKnownHosts = setting("CAIRN_SLURM_SSH_KNOWN_HOSTS");

    static SlurmDaemon require() {
        return require("cli");
    }

    /** The daemon, with the login node's sshd as well for {@code ssh} mode. */
    static SlurmDaemon require(String mode) {
        SlurmDaemon daemon = new SlurmDaemon();
        boolean present = daemon.restUrl != null && daemon.user != null && daemon.jwtFile != null
                && daemon.conf != null && daemon.shared != null;
        if (present && "ssh".equals(mode)) {
            present = daemon.sshHost != null && daemon.sshPort != null && daemon.sshUser != null
                    && daemon.sshKeyFile != null && daemon.sshKnownHosts != null;
        }
        if (!present) {
            String why = "no Slurm" + ("ssh".equals(mode) ? " with sshd" : "")
                    + ": run bin/backends/slurm start and export the CAIRN_SLURM_* variables it prints";
            if ("true".equals(System.getenv("CI")) || Boolean.getBoolean("cairn.backends.required")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return daemon;
    }

    private static String setting(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        }
        return value == null || value.isBlank() ? null : value;
    }

    /** A fresh folder under the shared folder that the job user may write (jobs of REST mode run as that user). */
    Path sharedFolder(String name) throws IOException {
        Path dir = Files.createTempDirectory(Path.of(shared), name + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** A pool wired as the server wires it; closing it stops the adapter (jobs keep running). */
    Pool pool(String mode, Path stateDir, int slots) {
        return new Pool(this, mode, stateDir, slots);
    }

    static final class Pool implements AutoCloseable {
        final ComputeResourceAdapter adapter = new ComputeResourceAdapter();
        final SlurmManagedConnectionFactory managedFactory = new SlurmManagedConnectionFactory();
        final ComputeConnectionFactory factory;

        Pool(SlurmDaemon daemon, String mode, Path stateDir, int slots) {
            this(daemon, mode, stateDir, slots, factory -> { });
        }

        /** A pool with further settings made by {@code configure} before the factory is created. */
        Pool(SlurmDaemon daemon, String mode, Path stateDir, int slots,
             java.util.function.Consumer<SlurmManagedConnectionFactory> configure) {
            if ("ssh".equals(mode)) {
                require(mode);
            }
            adapter.start(null);
            managedFactory.setMode(mode);
            managedFactory.setSlots(slots);
            managedFactory.setStateDir(stateDir.toString());
            managedFactory.setSlurmConf(daemon.conf);
            managedFactory.setRestUrl(daemon.restUrl);
            managedFactory.setRestUser(daemon.user);
            managedFactory.setJwtFile(daemon.jwtFile);
            managedFactory.setSharedRoot(daemon.shared);
            managedFactory.setJobCompFile(daemon.jobComp);
            if ("ssh".equals(mode)) {
                managedFactory.setSshHost(daemon.sshHost);
                managedFactory.setSshPort(Integer.valueOf(daemon.sshPort));
                managedFactory.setSshUser(daemon.sshUser);
                managedFactory.setSshKeyFile(daemon.sshKeyFile);
                managedFactory.setSshKnownHostsFile(daemon.sshKnownHosts);
            }
            configure.accept(managedFactory);
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
    }

    static TaskSpec task(Path root, String taskId, String... command) {
        return task(root, taskId, null, List.of(command));
    }

    static TaskSpec task(Path root, String taskId, String stdin, List<String> command) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, command, PATH, dir.resolve("work").toString(), stdin,
                dir.resolve("logs/stdout.txt").toString(), dir.resolve("logs/stderr.txt").toString(), 1, 0, null);
    }

    /** Polls until the task is in one of the states (or terminal), at most 60 s. */
    static TaskStatus waitFor(ComputeConnection connection, String id, TaskState... states) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        TaskStatus status = connection.status(id);
        while (System.nanoTime() < deadline) {
            status = connection.status(id);
            for (TaskState state : states) {
                if (status.state() == state) {
                    return status;
                }
            }
            if (status.state().isTerminal()) {
                return status;
            }
            Thread.sleep(100);
        }
        return status;
    }

    /** The login node as ssh mode reaches it, with another known-hosts file and policy when given. */
    SshCommands.Target sshTarget(Path knownHosts, SshCommands.HostKeyPolicy policy) {
        return new SshCommands.Target(sshHost, Integer.parseInt(sshPort), sshUser, Path.of(sshKeyFile),
                knownHosts == null ? Path.of(sshKnownHosts) : knownHosts, policy, java.time.Duration.ofSeconds(10));
    }

    /** Runs a Slurm tool with this Slurm's configuration and returns its standard output. */
    String tool(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SLURM_CONF", conf);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    /** Job ids Slurm holds under that name (all states). */
    List<String> jobsNamed(String name) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (String line : tool("squeue", "-h", "-t", "all", "-n", name, "-o", "%i").split("\n")) {
            if (!line.isBlank()) {
                ids.add(line.strip());
            }
        }
        return ids;
    }

    /** Runs bin/backends/slurm with an argument (from the module folder, where surefire runs). */
    static void script(String argument) throws IOException, InterruptedException {
        Path script = Path.of("../../bin/backends/slurm").toAbsolutePath().normalize();
        Process process = new ProcessBuilder(script.toString(), argument).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> script + " " + argument + ": " + out);
    }
}
