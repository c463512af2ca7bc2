package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeException;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.batch.CommandRunner;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only ssh mode has, against the OpenSSH sshd of {@code bin/backends/slurm start}: hostile arguments arrive
 * intact through the remote shell, an unknown host key is refused (and a pool says why), {@code accept-new} records
 * it, and a connection killed on the server side is reported unavailable and then reopened. (Running, exit codes,
 * cancel and adoption in ssh mode are the {@code ssh} cases of {@link SlurmDaemonTest}.)
 */
class SlurmSshDaemonTest {

    @TempDir
    Path state;

    SlurmDaemon slurm;

    @BeforeEach
    void daemon() {
        slurm = SlurmDaemon.require("ssh");
    }

    @Test
    void hostileArgumentsArriveAsTheyWere() {
        List<String> arguments = List.of("a b", "'", "\"", "$(touch /tmp/cairn-pwned)", "`id`", "x\ny", "*", "~",
                "-n", ";", "|", "é", "\\", "");
        List<String> command = new ArrayList<>(List.of("printf", "[%s]\\n"));
        command.addAll(arguments);
        try (SshCommands ssh = new SshCommands(slurm.sshTarget(null, SshCommands.HostKeyPolicy.STRICT),
                Duration.ofSeconds(30))) {
            CommandRunner.Result result = ssh.run(command, null);
            assertEquals(0, result.exitCode(), result::toString);
            StringBuilder expected = new StringBuilder();
            arguments.forEach(argument -> expected.append('[').append(argument).append("]\n"));
            assertEquals(expected.toString(), result.stdout());
            assertFalse(Files.exists(Path.of("/tmp/cairn-pwned")));
            CommandRunner.Result input = ssh.run(List.of("cat"), "line 1\n$(no)\n");
            assertEquals("line 1\n$(no)\n", input.stdout());
            assertEquals(7, ssh.run(List.of("sh", "-c", "exit 7"), null).exitCode());
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedWithAClearError() throws Exception {
        Path empty = Files.createFile(state.resolve("known_hosts"));
        try (SshCommands ssh = new SshCommands(slurm.sshTarget(empty, SshCommands.HostKeyPolicy.STRICT),
                Duration.ofSeconds(30))) {
            ComputeException refused = assertThrows(ComputeException.class, () -> ssh.run(List.of("true"), null));
            assertFalse(refused instanceof SchedulerUnavailableException, refused::toString);
            assertTrue(refused.getMessage().contains("is not in " + empty), refused.getMessage());
            assertTrue(refused.getMessage().contains("SHA256:"), refused.getMessage());
        }
        assertEquals("", Files.readString(empty), "strict checking must not write the file");
        Path tasks = Files.createDirectories(state.resolve("pool"));
        try (SlurmDaemon.Pool pool = new SlurmDaemon.Pool(slurm, "ssh", tasks, 2,
                factory -> factory.setSshKnownHostsFile(empty.toString()));
             ComputeConnection c = pool.connect()) {
            PoolStatus ping = c.ping();
            assertFalse(ping.up(), ping::toString);
            assertTrue(ping.detail().contains("is not in"), ping::toString);
            Path shared = slurm.sharedFolder("unknown-host");
            String id = c.submit(SlurmDaemon.task(shared, "refused", "/bin/true"));
            TaskStatus status = c.await(id, Duration.ofSeconds(30));
            assertEquals(TaskState.SYSTEM_ERROR, status.state(), status::toString);
            assertTrue(status.message().contains("SSH host key"), status::toString);
        }
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefusedNotRetried() throws Exception {
        Path key = state.resolve("other_key");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f",
                key.toString()).redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertEquals(0, keygen.waitFor());
        SshCommands.Target known = slurm.sshTarget(null, SshCommands.HostKeyPolicy.STRICT);
        SshCommands.Target other = new SshCommands.Target(known.host(), known.port(), known.user(), key,
                known.knownHostsFile(), known.policy(), known.connectTimeout());
        try (SshCommands ssh = new SshCommands(other, Duration.ofSeconds(30))) {
            ComputeException refused = assertThrows(ComputeException.class, () -> ssh.run(List.of("true"), null));
            assertFalse(refused instanceof SchedulerUnavailableException, refused::toString);
            assertTrue(refused.getMessage().contains("refused the key in " + key), refused.getMessage());
            assertFalse(refused.getMessage().contains("PRIVATE KEY"), "the key's content leaked");
        }
        SshCommands.Target missing = new SshCommands.Target(known.host(), known.port(), known.user(),
                state.resolve("no-such-key"), known.knownHostsFile(), known.policy(), known.connectTimeout());
        try (SshCommands ssh = new SshCommands(missing, Duration.ofSeconds(30))) {
            ComputeException refused = assertThrows(ComputeException.class, () -> ssh.run(List.of("true"), null));
            assertTrue(refused.getMessage().contains("cannot read the SSH key file"), refused.getMessage());
        }
    }

    @Test
    void acceptNewRecordsTheKeyOfAnUnknownHost() throws Exception {
        Path empty = Files.createFile(state.resolve("known_hosts"));
        try (SshCommands ssh = new SshCommands(slurm.sshTarget(empty, SshCommands.HostKeyPolicy.ACCEPT_NEW),
                Duration.ofSeconds(30))) {
            assertEquals("ok\n", ssh.run(List.of("echo", "ok"), null).stdout());
        }
        String recorded = Files.readString(empty);
        String expected = Files.readString(Path.of(slurm.sshKnownHosts)).strip().split(" ")[2];
        assertTrue(recorded.contains(expected), recorded);
        try (SshCommands ssh = new SshCommands(slurm.sshTarget(empty, SshCommands.HostKeyPolicy.STRICT),
                Duration.ofSeconds(30))) {
            assertEquals("again\n", ssh.run(List.of("echo", "again"), null).stdout());
        }
    }

    @Test
    void aLostConnectionIsUnavailableAndThenReopened() throws Exception {
        try (SshCommands ssh = new SshCommands(slurm.sshTarget(null, SshCommands.HostKeyPolicy.STRICT),
                Duration.ofSeconds(30))) {
            String first = ssh.run(List.of("sh", "-c", "echo $PPID"), null).stdout().strip();
            // the per-connection sshd processes are children of the listening sshd this test's script started
            String listener = Files.readString(Path.of(slurm.shared).getParent().resolve("run/sshd.pid")).strip();
            String children = slurm.tool("pgrep", "-P", listener).strip();
            assertFalse(children.isEmpty(), "no sshd process serves the connection");
            List<String> kill = new ArrayList<>(List.of("kill", "-9"));
            kill.addAll(List.of(children.split("\\s+")));
            slurm.tool(kill.toArray(String[]::new));
            int unavailable = 0;
            String second = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (second == null && System.nanoTime() < deadline) {
                try {
                    second = ssh.run(List.of("sh", "-c", "echo $PPID"), null).stdout().strip();
                } catch (SchedulerUnavailableException e) {
                    unavailable++;
                    Thread.sleep(100);
                }
            }
            assertTrue(second != null && !second.isEmpty(), "no new connection within 30 s");
            assertTrue(!second.equals(first), "the same sshd process answered: " + first);
            System.out.println("ssh: killed connection reported unavailable " + unavailable
                    + " time(s), then reconnected");
        }
    }
}
