package io.cairn.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts Cairn once per test JVM with {@code bin/cairn start}: a fresh domain of the real Payara
 * Server, the EAR from this build, and the database named by the system property
 * {@code cairn.it.db} ({@code h2} or {@code mariadb}). Stops it with {@code bin/cairn stop} when
 * the JVM's tests are done. Tests get it as a parameter.
 */
public final class CairnServer implements BeforeAllCallback, ParameterResolver, ExtensionContext.Store.CloseableResource {

    private static final Logger LOG = Logger.getLogger(CairnServer.class.getName());
    /** The MariaDB password of the test user; it must appear nowhere in clear (see ErrorsIT). */
    static final String DB_PASSWORD = "it-" + java.util.UUID.randomUUID();

    private static CairnServer instance;
    private static Exception startFailure;

    private final Path repo = Path.of(System.getProperty("cairn.repo", "..")).toAbsolutePath().normalize();
    private final String db = System.getProperty("cairn.it.db", "h2");
    private final Path home = Path.of(System.getProperty("cairn.it.work", "target/it")).toAbsolutePath().resolve(db);
    private final int portBase;
    private final Map<String, String> env;

    private CairnServer() throws IOException {
        portBase = freePortBase();
        env = new java.util.HashMap<>();
        env.put("CAIRN_HOME", home.toString());
        env.put("CAIRN_PORTBASE", Integer.toString(portBase));
        env.put("CAIRN_EAR", Path.of(System.getProperty("cairn.ear", "target/cairn.ear")).toAbsolutePath().toString());
        env.put("CAIRN_LOCAL_SLOTS", "2");
        if ("mariadb".equals(db)) {
            env.put("CAIRN_DB_URL", "jdbc:mysql://127.0.0.1:3306/cairn_it");
            env.put("CAIRN_DB_USER", "cairn_it");
            env.put("CAIRN_DB_PASSWORD", DB_PASSWORD);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (CairnServer.class) {
            if (startFailure != null) {
                throw new IllegalStateException("Cairn did not start for an earlier test class", startFailure);
            }
            if (instance == null) {
                CairnServer server = new CairnServer();
                // registered first, so that a server that half-started is stopped too
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(CairnServer.class, server);
                try {
                    server.freshStart();
                } catch (Exception e) {
                    startFailure = e;
                    throw e;
                }
                instance = server;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CairnServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return instance;
    }

    @Override
    public void close() throws Exception {
        cairn("stop");
    }

    /** The base URI, e.g. {@code http://127.0.0.1:28080}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + (portBase + 80));
    }

    public String database() {
        return db;
    }

    /** The project's folder (where bin/ is). */
    public Path repo() {
        return repo;
    }

    /** The folder of this server's domain, state and data. */
    public Path home() {
        return home;
    }

    /** Stops the server cleanly and starts it again. */
    public void restart() throws Exception {
        cairn("stop");
        cairn("start");
    }

    /** Kills the server's JVM with SIGKILL, as a crash would, and starts it again. */
    public void crashAndStart() throws Exception {
        Path pidFile = home.resolve("domains/cairn/config/pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        cairn("start");
    }

    private void freshStart() throws Exception {
        deleteTree(home);
        Files.createDirectories(home);
        if ("mariadb".equals(db)) {
            // as root over the local socket: a fresh database and a user that may use only it
            run(List.of("mariadb", "-uroot", "-e",
                    "DROP DATABASE IF EXISTS cairn_it; CREATE DATABASE cairn_it CHARACTER SET utf8mb4;"
                            + " CREATE USER IF NOT EXISTS 'cairn_it'@'127.0.0.1';"
                            + " ALTER USER 'cairn_it'@'127.0.0.1' IDENTIFIED BY '" + DB_PASSWORD + "';"
                            + " GRANT ALL ON cairn_it.* TO 'cairn_it'@'127.0.0.1'"), Path.of("."));
        }
        cairn("start");
    }

    /** Runs {@code bin/cairn ARGS...} against this server (such as {@code pool-add}); fails on a non-zero exit. */
    public void command(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("bin/cairn").toString());
        command.addAll(List.of(args));
        run(command, home.resolve("cairn-" + args[0] + ".log"));
    }

    private void cairn(String command) throws Exception {
        LOG.info(() -> "bin/cairn " + command + " (" + db + ", home " + home + ")");
        run(List.of(repo.resolve("bin/cairn").toString(), command), home.resolve("cairn-" + command + ".log"));
    }

    /** Runs {@code bin/cairn ARGS...} with {@code input} on its standard input (such as {@code secret-set}). */
    public void commandWithInput(String input, String... args) throws Exception {
        Path in = Files.createTempFile(home, "stdin", ".txt");
        try {
            Files.writeString(in, input);
            List<String> command = new ArrayList<>();
            command.add(repo.resolve("bin/cairn").toString());
            command.addAll(List.of(args));
            run(command, home.resolve("cairn-" + args[0] + ".log"), in);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    private void run(List<String> command, Path logFile) throws Exception {
        run(command, logFile, null);
    }

    private void run(List<String> command, Path logFile, Path stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        builder.environment().putAll(env);
        if (logFile.toString().endsWith(".log")) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        }
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 15 minutes");
        }
        if (process.exitValue() != 0) {
            String output = logFile.toString().endsWith(".log") && Files.exists(logFile) ? Files.readString(logFile) : "";
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue() + "\n" + output);
        }
    }

    /** A port base whose admin (+48) and HTTP (+80) ports and neighbours are free. */
    private static int freePortBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + 100 * (int) (Math.random() * 120);
            if (free(base + 48) && free(base + 80) && free(base + 81) && free(base + 37) && free(base + 76)
                    && free(base + 86) && free(base + 66) && free(base + 9) && free(base + 38) && free(base + 39)) {
                return base;
            }
        }
        throw new IOException("no free port base found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
