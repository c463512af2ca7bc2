package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line ssh mode sends: sshd gives it to the user's shell ({@code $SHELL -c line}), so it is run here by
 * a real /bin/sh, which must see exactly the arguments, whatever they hold.
 */
class SshCommandsTest {

    @Test
    void aShellSplitsTheLineIntoExactlyTheArguments() throws Exception {
        List<String> arguments = List.of("plain", "two words", "'", "it's", "\"", "$(id)", "`id`", "$HOME", "a\nb",
                "\t", "*", "~", "-e", ";|&<>", "é", "\\n", "");
        List<String> command = new ArrayList<>(List.of("printf", "<%s>"));
        command.addAll(arguments);
        Process process = new ProcessBuilder("/bin/sh", "-c", SshCommands.commandLine(command)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        StringBuilder expected = new StringBuilder();
        arguments.forEach(argument -> expected.append('<').append(argument).append('>'));
        assertEquals(expected.toString(), out);
    }

    @Test
    void noServerListeningIsUnavailableNotARefusal() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path missing = Path.of("/nonexistent/key");
        try (SshCommands ssh = new SshCommands(new SshCommands.Target("127.0.0.1", port, "u", missing, missing,
                SshCommands.HostKeyPolicy.STRICT, Duration.ofSeconds(5)), Duration.ofSeconds(5))) {
            io.cairn.compute.ra.batch.SchedulerUnavailableException down = assertThrows(
                    io.cairn.compute.ra.batch.SchedulerUnavailableException.class,
                    () -> ssh.run(List.of("true"), null));
            assertTrue(down.getMessage().contains("cannot connect ssh u@127.0.0.1:" + port), down.getMessage());
        }
    }

    @Test
    void refusesWhatNoShellWordCarries() {
        assertThrows(IllegalArgumentException.class, () -> SshCommands.commandLine(List.of()));
        assertThrows(IllegalArgumentException.class, () -> SshCommands.commandLine(List.of("echo", "a\0b")));
    }

    @Test
    void aTargetNeedsHostUserKeyAndKnownHosts() {
        Path key = Path.of("/k");
        assertThrows(IllegalArgumentException.class, () -> new SshCommands.Target(null, 22, "u", key, key,
                SshCommands.HostKeyPolicy.STRICT, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new SshCommands.Target("h", 22, "u", key, null,
                SshCommands.HostKeyPolicy.STRICT, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new SshCommands.Target("h", 0, "u", key, key,
                SshCommands.HostKeyPolicy.STRICT, Duration.ofSeconds(1)));
        assertEquals(SshCommands.HostKeyPolicy.STRICT, SshCommands.HostKeyPolicy.parse(null));
        assertEquals(SshCommands.HostKeyPolicy.ACCEPT_NEW, SshCommands.HostKeyPolicy.parse("Accept-New"));
        assertThrows(IllegalArgumentException.class, () -> SshCommands.HostKeyPolicy.parse("no"));
    }
}
