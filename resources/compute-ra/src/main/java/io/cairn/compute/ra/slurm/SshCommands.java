package io.cairn.compute.ra.slurm;

import io.cairn.compute.ComputeException;
import io.cairn.compute.ra.batch.CommandRunner;
import io.cairn.compute.ra.batch.Commands;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import io.cairn.compute.ra.batch.ShellQuoting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Runs commands on a login node over one long-lived SSH session (Apache MINA SSHD). Each command is an argument list
 * sent as one command line in which every argument is quoted with {@link ShellQuoting} (sshd hands the line to the
 * user's shell); its standard input is sent and closed, and its exit status is the command's.
 *
 * <p>Only public-key authentication is offered, with the key read from its file at each connect (never logged).
 * The server's host key must be in the known-hosts file; with {@link HostKeyPolicy#ACCEPT_NEW} an unknown host's
 * key is added to the file on first contact, a changed key is refused in every policy. A lost or failed connection
 * is a {@link SchedulerUnavailableException} and the next command connects again; a refused host key or login is
 * a {@link ComputeException}.
 */
final class SshCommands implements Commands, AutoCloseable {

    /** What to do with a host whose key is not in the known-hosts file. */
    enum HostKeyPolicy {
        /** Refuse it (as OpenSSH's {@code StrictHostKeyChecking yes}). */
        STRICT,
        /** Add its key to the file and go on (as {@code StrictHostKeyChecking accept-new}). */
        ACCEPT_NEW;

        static HostKeyPolicy parse(String text) {
            if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("strict")) {
                return STRICT;
            }
            if (text.trim().equalsIgnoreCase("accept-new")) {
                return ACCEPT_NEW;
            }
            throw new IllegalArgumentException("sshHostKeyPolicy must be strict or accept-new, not " + text);
        }
    }

    /** The connection settings; the key file is a path, its content is read at connect. */
    record Target(String host, int port, String user, Path keyFile, Path knownHostsFile, HostKeyPolicy policy,
                  Duration connectTimeout) {

        Target {
            if (host == null || user == null || keyFile == null || knownHostsFile == null) {
                throw new IllegalArgumentException("ssh mode needs sshHost, sshUser, sshKeyFile and sshKnownHostsFile");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("sshPort must be 1-65535, not " + port);
            }
        }

        @Override
        public String toString() {
            return user + "@" + host + ":" + port;
        }
    }

    private static final Logger LOG = Logger.getLogger(SshCommands.class.getName());

    private final Target target;
    private final Duration commandTimeout;
    private final Object lock = new Object();
    private SshClient client;
    private ClientSession session;
    /** Why the last host key check refused the server, for the error message. */
    private final AtomicReference<String> refusedKey = new AtomicReference<>();

    SshCommands(Target target, Duration commandTimeout) {
        this.target = target;
        this.commandTimeout = commandTimeout;
    }

    /** The command line sent for an argument list: each argument one single-quoted word. */
    static String commandLine(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("an empty command");
        }
        return command.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }

    @Override
    public String where() {
        return "ssh " + target;
    }

    @Override
    public CommandRunner.Result run(List<String> command, String stdin) {
        String line = commandLine(command);
        ClientSession current = session();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = current.createExecChannel(line)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(target.connectTimeout());
            try (OutputStream in = channel.getInvertedIn()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED,
                    ClientChannelEvent.EXIT_STATUS), commandTimeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new SchedulerUnavailableException(command.get(0) + " over " + where() + " did not answer within "
                        + commandTimeout);
            }
            // the exit status may come before the last output: wait for the channel to close
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            Integer status = channel.getExitStatus();
            if (status == null) {
                String signal = channel.getExitSignal();
                if (signal == null) {
                    drop(current);
                    throw new SchedulerUnavailableException("the SSH connection " + where() + " closed while "
                            + command.get(0) + " ran");
                }
                status = 128 + signalNumber(signal);
            }
            return new CommandRunner.Result(status, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            if (e instanceof ComputeException computeException) {
                throw computeException;
            }
            drop(current);
            throw new SchedulerUnavailableException("cannot run " + command.get(0) + " over " + where() + ": "
                    + describe(e), e);
        }
    }

    /** The open session, connecting and authenticating first when there is none (or it was lost). */
    private ClientSession session() {
        synchronized (lock) {
            if (session != null && session.isOpen() && session.isAuthenticated()) {
                return session;
            }
            drop(session);
            if (client == null) {
                client = newClient();
            }
            refusedKey.set(null);
            ClientSession opened = null;
            boolean connected = false;
            try {
                opened = client.connect(target.user(), target.host(), target.port()).verify(target.connectTimeout())
                        .getSession();
                connected = true;
                FileKeyPairProvider keys = new FileKeyPairProvider(target.keyFile());
                opened.setKeyIdentityProvider(keys);
                opened.auth().verify(target.connectTimeout());
                session = opened;
                LOG.fine(() -> "connected " + where());
                return opened;
            } catch (IOException | RuntimeException e) {
                if (opened != null) {
                    opened.close(true);
                }
                String refused = refusedKey.get();
                if (refused != null) {
                    throw new ComputeException(refused);
                }
                String why = describe(e);
                // the key matters only once the server answered; before that the host is just unreachable
                if (connected && !Files.isReadable(target.keyFile())) {
                    throw new ComputeException("cannot read the SSH key file " + target.keyFile() + " for "
                            + where());
                }
                if (connected && why.toLowerCase(java.util.Locale.ROOT).contains("no more authentication methods")) {
                    throw new ComputeException("the SSH server " + where() + " refused the key in "
                            + target.keyFile() + ": " + why);
                }
                throw new SchedulerUnavailableException("cannot connect " + where() + ": " + why, e);
            }
        }
    }

    private SshClient newClient() {
        SshClient created = SshClient.setUpDefaultClient();
        // nothing from ~/.ssh: no config file, no default keys, only the configured key and known-hosts file
        created.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        created.setKeyIdentityProvider(session -> List.of());
        created.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        created.setServerKeyVerifier(verifier());
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(created, Duration.ofSeconds(30));
        created.start();
        return created;
    }

    private ServerKeyVerifier verifier() {
        ServerKeyVerifier unknown = target.policy() == HostKeyPolicy.ACCEPT_NEW ? AcceptAllServerKeyVerifier.INSTANCE
                : RejectAllServerKeyVerifier.INSTANCE;
        return new KnownHostsServerKeyVerifier(unknown, target.knownHostsFile()) {
            @Override
            protected boolean acceptUnknownHostKey(ClientSession clientSession, SocketAddress remote, PublicKey key) {
                boolean accepted = super.acceptUnknownHostKey(clientSession, remote, key);
                if (accepted) {
                    LOG.info(() -> "added the " + KeyUtils.getKeyType(key) + " host key of " + target.host() + ":"
                            + target.port() + " to " + target.knownHostsFile() + " (sshHostKeyPolicy accept-new)");
                } else {
                    refusedKey.set("the SSH host key of " + target.host() + ":" + target.port() + " ("
                            + KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key) + ") is not in "
                            + target.knownHostsFile() + "; add it there, or set sshHostKeyPolicy=accept-new");
                }
                return accepted;
            }

            @Override
            public boolean acceptModifiedServerKey(ClientSession clientSession, SocketAddress remote,
                                                   org.apache.sshd.client.config.hosts.KnownHostEntry entry,
                                                   PublicKey expected, PublicKey actual) {
                refusedKey.set("the SSH host key of " + target.host() + ":" + target.port() + " ("
                        + KeyUtils.getFingerPrint(actual) + ") differs from the one in " + target.knownHostsFile()
                        + " (" + KeyUtils.getFingerPrint(expected) + "); refused");
                return false;
            }
        };
    }

    private void drop(ClientSession lost) {
        if (lost == null) {
            return;
        }
        synchronized (lock) {
            if (session == lost) {
                session = null;
            }
        }
        try {
            lost.close(true);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing a lost SSH session", e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            drop(session);
            if (client != null) {
                client.stop();
                client = null;
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    private static int signalNumber(String signal) {
        return switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ABRT" -> 6;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            default -> 15;
        };
    }
}
