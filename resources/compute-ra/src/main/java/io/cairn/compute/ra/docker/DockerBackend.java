package io.cairn.compute.ra.docker;

import io.cairn.compute.ComputeException;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.Backend;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs tasks as containers of one dockerd, talking to the Docker Engine API (pinned to v1.41) over its unix socket.
 *
 * <p>Dockerd holds the live state: {@link #submit} creates the task's container at once, named deterministically
 * after the pool and task id (so a second submit finds it and nothing runs twice) and labelled with pool, task id
 * and submission order. A created container is a queued task; the backend starts created containers in submission
 * order while fewer than {@code slots} of the pool's containers run. A watcher per running container blocks on
 * {@code /containers/{id}/wait} and, when the container ends, the backend writes the demultiplexed log into the
 * task's stdout and stderr files, records the final status in the state folder and only then removes the
 * container. So a status keeps answering after the removal and after a restart, and a new backend on the same
 * socket and pool name adopts whatever runs or waits, by label.
 *
 * <p>Standard input is fed through an attach made before the start ({@code OpenStdin}, {@code StdinOnce}); the
 * command never goes through a shell.
 */
final class DockerBackend implements Backend {

    /** Looked up once: each of {@code Json}'s static factories looks the provider up again through the service loader. */
    private static final JsonProvider JSON = JsonProvider.provider();

    static final String KIND = "docker";
    static final String API = "/v1.41";
    static final String LABEL_POOL = "cairn.pool";
    static final String LABEL_TASK = "cairn.task";
    static final String LABEL_SEQ = "cairn.seq";
    static final String LABEL_STDIN = "cairn.stdin";
    static final String LABEL_STDOUT = "cairn.stdout";
    static final String LABEL_STDERR = "cairn.stderr";
    static final String LABEL_TIME_LIMIT = "cairn.timeLimitSeconds";

    static final String LOST = "lost: dockerd stopped or restarted while the task ran";

    private static final Logger LOG = Logger.getLogger(DockerBackend.class.getName());
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final Duration PULL = Duration.ofMinutes(10);
    private static final long AWAIT_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The pool's configuration as the backend needs it. */
    record Settings(String poolName, int slots, Path socket, Path stateDir, String defaultImage, String pullPolicy,
                    String user, String network) {
    }

    private final Settings settings;
    private final UnixHttpClient http;
    private final Executor executor;
    private final Path finishedDir;
    private final Path markersDir;
    private final String namePrefix;
    private final FileChannel lockFile;
    private final FileLock stateLock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<String> watched = new HashSet<>();
    private long lastSequence;
    private int hostCpus = -1;
    private boolean adopted;
    private boolean shutdown;

    DockerBackend(Settings settings, Executor executor) {
        if (settings.slots() < 1) {
            throw new IllegalArgumentException("a docker pool needs at least 1 slot, not " + settings.slots());
        }
        if (!List.of("never", "missing").contains(settings.pullPolicy())) {
            throw new IllegalArgumentException("pullPolicy must be never or missing, not " + settings.pullPolicy());
        }
        this.settings = settings;
        this.http = new UnixHttpClient(settings.socket());
        this.executor = executor;
        Path stateDir = settings.stateDir().toAbsolutePath().normalize();
        this.finishedDir = stateDir.resolve("finished");
        this.markersDir = stateDir.resolve("markers");
        this.namePrefix = "cairn-" + sanitize(settings.poolName(), 24) + "-";
        FileChannel channel = null;
        FileLock acquired;
        try {
            Files.createDirectories(finishedDir);
            Files.createDirectories(markersDir);
            channel = FileChannel.open(stateDir.resolve("backend.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            acquired = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        } catch (IOException e) {
            UnixHttpClient.closeQuietly(channel);
            throw new ComputeException("cannot use the state folder " + stateDir + ": " + e.getMessage(), e);
        }
        if (acquired == null) {
            UnixHttpClient.closeQuietly(channel);
            throw new ComputeException("the state folder " + stateDir + " is used by another docker backend");
        }
        this.lockFile = channel;
        this.stateLock = acquired;
        lock.lock();
        try {
            schedule();
        } catch (ComputeException e) {
            // dockerd may come up later: the next call adopts
            LOG.warning(() -> "docker pool " + settings.poolName() + ": " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ---- the contract ------------------------------------------------------------------------------------------

    @Override
    public String submit(TaskSpec spec) {
        validate(spec);
        String name = containerName(settings.poolName(), spec.taskId());
        lock.lock();
        try {
            ensureOpen();
            if (Files.exists(finishedFile(name))) {
                return name;
            }
            JsonObject existing = inspect(name);
            if (existing != null) {
                requireOwnTask(existing, spec.taskId());
                return name;
            }
            create(name, spec);
            schedule();
            changed.signalAll();
            return name;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TaskStatus status(String backendId) {
        lock.lock();
        try {
            return statusLocked(backendId);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TaskStatus await(String backendId, Duration timeout) {
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        lock.lock();
        try {
            while (true) {
                TaskStatus status = statusLocked(backendId);
                long left = deadline - System.nanoTime();
                if (status.state().isTerminal() || left <= 0) {
                    return status;
                }
                try {
                    changed.awaitNanos(Math.min(left, AWAIT_RECHECK_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return statusLocked(backendId);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads a task's log: from dockerd's log of the container while it exists, from the task's stdout or stderr file
     * once its result is recorded. An unknown id, or a task without a container (it failed before it could run),
     * reads as empty.
     */
    @Override
    public LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("offset and maxBytes must not be negative");
        }
        LogChunk empty = new LogChunk(new byte[0], offset);
        if (!isOwnName(backendId)) {
            return empty;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            Properties finished = readFinished(backendId);
            if (finished != null) {
                String file = finished.getProperty(stream == LogStream.STDOUT ? "stdout" : "stderr");
                return file == null ? empty : readFile(Path.of(file), offset, maxBytes);
            }
            LogDemultiplexer.Window window = new LogDemultiplexer.Window(offset, maxBytes);
            String which = stream == LogStream.STDOUT ? "stdout=1" : "stderr=1";
            try {
                Boolean found = http.exchange("GET", API + "/containers/" + backendId + "/logs?" + which, null, CALL,
                        (status, headers, body) -> {
                            if (status == 404) {
                                return false;
                            }
                            if (status != 200) {
                                throw new IOException("HTTP " + status + ": " + errorMessage(body.readAllBytes()));
                            }
                            LogDemultiplexer.copy(body, window, window);
                            return true;
                        });
                if (found) {
                    byte[] data = window.bytes();
                    return new LogChunk(data, offset + data.length);
                }
            } catch (IOException e) {
                throw unreachable("cannot read the log of " + backendId, e);
            }
            // removed meanwhile: its result is recorded now, or the id names nothing
        }
        return empty;
    }

    @Override
    public void cancel(String backendId) {
        lock.lock();
        try {
            ensureOpen();
            if (!isOwnName(backendId) || Files.exists(finishedFile(backendId))) {
                return;
            }
            JsonObject container = inspect(backendId);
            if (container == null || !settings.poolName().equals(label(container, LABEL_POOL))) {
                return;
            }
            JsonObject state = container.getJsonObject("State");
            Instant now = Instant.now();
            // recorded before the kill, so that the watcher that sees the container die finds the task settled
            record(backendId, container, TaskState.CANCELED, null, "canceled", time(state, "StartedAt"), now);
            remove(backendId);
            LOG.fine(() -> "pool " + settings.poolName() + ": task " + backendId + " canceled");
            schedule();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PoolStatus ping() {
        int slots = settings.slots();
        try {
            if (!Files.exists(settings.socket())) {
                return new PoolStatus(KIND, false, slots, 0, 0, "no Docker socket at " + settings.socket());
            }
            if (isShutdown()) {
                return new PoolStatus(KIND, false, slots, 0, 0,
                        "the backend of pool " + settings.poolName() + " is shut down");
            }
            UnixHttpClient.Response pong = http.send("GET", "/_ping", null, Duration.ofSeconds(5));
            if (pong.status() != 200) {
                return new PoolStatus(KIND, false, slots, 0, 0, "dockerd answered /_ping with HTTP " + pong.status());
            }
            int running = 0;
            int queued = 0;
            for (JsonObject container : containers()) {
                String state = container.getString("State", "");
                if (state.equals("created")) {
                    queued++;
                } else if (isRunning(state)) {
                    running++;
                }
            }
            JsonObject version = json(http.send("GET", API + "/version", null, Duration.ofSeconds(5)));
            return new PoolStatus(KIND, true, slots, running, queued, "dockerd " + version.getString("Version", "?")
                    + " (API " + version.getString("ApiVersion", "?") + ") at " + settings.socket());
        } catch (IOException | RuntimeException e) {
            return new PoolStatus(KIND, false, slots, 0, 0,
                    "dockerd at " + settings.socket() + " does not answer: " + e.getMessage());
        }
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            shutdown = true;
            watched.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        http.closeAll();
        try {
            stateLock.release();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot release the state lock", e);
        }
        UnixHttpClient.closeQuietly(lockFile);
        LOG.info(() -> "docker pool " + settings.poolName() + " shut down; its containers keep running in dockerd");
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    private TaskStatus statusLocked(String backendId) {
        if (!isOwnName(backendId)) {
            return TaskStatus.lost("unknown task " + backendId);
        }
        TaskStatus finished = finishedStatus(backendId);
        if (finished != null) {
            return finished;
        }
        if (!shutdown && !adopted) {
            schedule();
        }
        JsonObject container = inspect(backendId);
        if (container == null || !settings.poolName().equals(label(container, LABEL_POOL))) {
            finished = finishedStatus(backendId); // settled meanwhile
            return finished != null ? finished
                    : TaskStatus.lost("unknown task " + backendId + ": no such container of pool "
                            + settings.poolName() + " and no recorded result");
        }
        JsonObject state = container.getJsonObject("State");
        String status = state.getString("Status", "");
        if (status.equals("created")) {
            return TaskStatus.of(TaskState.QUEUED);
        }
        if (isRunning(status) || status.equals("removing")) {
            return new TaskStatus(TaskState.RUNNING, null, null, time(state, "StartedAt"), null);
        }
        settle(backendId, container);
        schedule();
        finished = finishedStatus(backendId);
        return finished != null ? finished : TaskStatus.lost("task " + backendId + " could not be settled");
    }

    private static boolean isRunning(String state) {
        return state.equals("running") || state.equals("restarting") || state.equals("paused");
    }

    /**
     * The task's container ended: write its log into the task's stdout and stderr files, record the final status,
     * then remove the container. Lock held.
     */
    private void settle(String name, JsonObject container) {
        if (Files.exists(finishedFile(name))) {
            remove(name);
            return;
        }
        JsonObject state = container.getJsonObject("State");
        Instant startedAt = time(state, "StartedAt");
        Instant endedAt = time(state, "FinishedAt");
        int exitCode = state.getInt("ExitCode", -1);
        String collectFailure = null;
        try {
            collectLogs(name, container);
        } catch (IOException e) {
            collectFailure = e.getMessage();
        }
        if (collectFailure != null && inspect(name) == null) {
            LOG.warning(() -> "pool " + settings.poolName() + ": container " + name + " vanished before its log was"
                    + " collected");
        }
        TaskState result;
        Integer code = exitCode;
        String message = null;
        long limit = parseLong(label(container, LABEL_TIME_LIMIT));
        if (collectFailure != null) {
            result = TaskState.SYSTEM_ERROR;
            code = null;
            message = "cannot collect the output of container " + name + ": " + collectFailure;
        } else if (Files.exists(marker(name, "timeout"))) {
            result = TaskState.EXECUTOR_ERROR;
            code = null;
            message = "killed after the time limit of " + limit + " s";
        } else if (Files.exists(marker(name, "lost"))) {
            result = TaskState.SYSTEM_ERROR;
            code = null;
            message = LOST + " (the container ended with exit code " + exitCode + ")";
        } else if (killedFromOutside(name, state, exitCode, startedAt)) {
            result = TaskState.SYSTEM_ERROR;
            code = null;
            message = LOST + " (the container was stopped by a signal Cairn did not send; exit code " + exitCode
                    + ")";
        } else if (!state.getString("Error", "").isEmpty() && startedAt == null) {
            result = TaskState.SYSTEM_ERROR;
            code = null;
            message = "dockerd could not run the container: " + state.getString("Error");
        } else {
            result = exitCode == 0 ? TaskState.COMPLETE : TaskState.EXECUTOR_ERROR;
            if (state.getBoolean("OOMKilled", false)) {
                message = "killed for exceeding its memory limit";
            }
        }
        if (endedAt == null || startedAt != null && endedAt.isBefore(startedAt)) {
            endedAt = startedAt != null ? startedAt : Instant.now();
        }
        record(name, container, result, code, message, startedAt, endedAt);
        remove(name);
        changed.signalAll();
    }

    /**
     * Whether a container that ended on SIGTERM or SIGKILL (exit code 143 or 137) was stopped by someone other than
     * the command: dockerd stopping its containers as it shuts down, or an operator's {@code docker stop}. Cairn's own
     * kills (cancel, time limit) are settled before this is asked. dockerd logs a {@code kill} event for every signal
     * it sends, before the container dies; a command that ends on a signal of its own making has none. When dockerd
     * cannot answer the question it is going away, which is the case this is for.
     */
    private boolean killedFromOutside(String name, JsonObject state, int exitCode, Instant startedAt) {
        if (exitCode != 137 && exitCode != 143 || state.getBoolean("OOMKilled", false)) {
            return false;
        }
        long since = startedAt != null ? startedAt.getEpochSecond() - 1 : Instant.now().getEpochSecond() - 86_400;
        String filters = "{\"type\":[\"container\"],\"container\":[\"" + name + "\"],\"event\":[\"kill\"]}";
        String path = API + "/events?since=" + since + "&until=" + untilNow()
                + "&filters=" + encode(filters);
        try {
            UnixHttpClient.Response events = http.send("GET", path, null, CALL);
            if (!events.ok()) {
                return true;
            }
            boolean killed = new String(events.body(), StandardCharsets.UTF_8).contains("\"kill\"");
            if (killed) {
                LOG.info(() -> "pool " + settings.poolName() + ": container " + name + " was stopped by a signal"
                        + " from dockerd (exit code " + exitCode + "); the task counts as lost");
            }
            return killed;
        } catch (IOException e) {
            LOG.log(Level.FINE, "pool " + settings.poolName() + ": dockerd did not answer for the events of " + name,
                    e);
            return true;
        }
    }

    private static String untilNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() + "." + String.format(Locale.ROOT, "%09d", now.getNano());
    }

    /** Writes the container's whole log, demultiplexed, into the task's files, each replaced atomically. */
    private void collectLogs(String name, JsonObject container) throws IOException {
        Path stdout = Path.of(label(container, LABEL_STDOUT));
        Path stderr = Path.of(label(container, LABEL_STDERR));
        boolean same = stdout.equals(stderr);
        Path stdoutTemporary = temporarySibling(stdout);
        Path stderrTemporary = same ? stdoutTemporary : temporarySibling(stderr);
        try {
            http.exchange("GET", API + "/containers/" + name + "/logs?stdout=1&stderr=1", null, CALL,
                    (status, headers, body) -> {
                        if (status != 200) {
                            throw new IOException("HTTP " + status + ": " + errorMessage(body.readAllBytes()));
                        }
                        try (OutputStream out = Files.newOutputStream(stdoutTemporary);
                             OutputStream err = same ? null : Files.newOutputStream(stderrTemporary)) {
                            LogDemultiplexer.copy(body, out, same ? out : err);
                        }
                        return null;
                    });
            Files.move(stdoutTemporary, stdout, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!same) {
                Files.move(stderrTemporary, stderr, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(stdoutTemporary);
            Files.deleteIfExists(stderrTemporary);
        }
    }

    private static Path temporarySibling(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempFile(parent, "." + file.getFileName(), ".cairn-tmp");
    }

    // ---- slots ---------------------------------------------------------------------------------------------------

    /**
     * Reconciles with dockerd (lock held): settles the pool's ended containers, watches running ones nobody
     * watches (adoption), and starts created ones in submission order while slots are free.
     */
    private void schedule() {
        if (shutdown) {
            return;
        }
        List<JsonObject> containers = containers();
        adopted = true;
        int running = 0;
        List<JsonObject> queued = new ArrayList<>();
        for (JsonObject container : containers) {
            String name = nameOf(container);
            String state = container.getString("State", "");
            lastSequence = Math.max(lastSequence, parseLong(labels(container).getString(LABEL_SEQ, "0")));
            if (isRunning(state)) {
                running++;
                watch(name);
            } else if (state.equals("created")) {
                queued.add(container);
            } else if (!watched.contains(name) && (state.equals("exited") || state.equals("dead"))) {
                JsonObject full = inspect(name);
                if (full != null) {
                    settle(name, full);
                }
            }
        }
        queued.sort(Comparator.comparingLong((JsonObject c) -> parseLong(labels(c).getString(LABEL_SEQ, "0")))
                .thenComparing(DockerBackend::nameOf));
        for (JsonObject container : queued) {
            if (running >= settings.slots()) {
                break;
            }
            if (start(nameOf(container))) {
                running++;
            }
        }
    }

    /** Starts a created container; on failure records a SYSTEM_ERROR and removes it. Lock held. */
    private boolean start(String name) {
        JsonObject container = inspect(name);
        if (container == null) {
            return false;
        }
        String stdin = label(container, LABEL_STDIN);
        SocketChannel attached = null;
        try {
            if (stdin != null) {
                // attached before the start, so the command cannot read an empty stdin before the bytes arrive
                attached = http.upgrade("POST", API + "/containers/" + name + "/attach?stream=1&stdin=1");
            }
            UnixHttpClient.Response started = http.send("POST", API + "/containers/" + name + "/start", null, CALL);
            if (!started.ok() && started.status() != 304) {
                UnixHttpClient.closeQuietly(attached);
                String why = "dockerd could not start the container: " + errorMessage(started.body());
                record(name, container, TaskState.SYSTEM_ERROR, null, why, null, Instant.now());
                remove(name);
                LOG.warning(() -> "pool " + settings.poolName() + ": task " + name + " failed: " + why);
                changed.signalAll();
                return false;
            }
        } catch (IOException e) {
            UnixHttpClient.closeQuietly(attached);
            throw unreachable("cannot start container " + name, e);
        }
        if (attached != null) {
            SocketChannel channel = attached;
            dispatch(() -> feed(name, Path.of(stdin), channel));
        }
        watch(name);
        LOG.fine(() -> "pool " + settings.poolName() + ": task " + name + " started");
        return true;
    }

    /** Writes the stdin file into the attached stream, then half-closes it: the command sees end of file. */
    private void feed(String name, Path stdin, SocketChannel channel) {
        try (channel; FileChannel file = FileChannel.open(stdin, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (file.read(buffer) >= 0) {
                buffer.flip();
                UnixHttpClient.writeFully(channel, buffer);
                buffer.clear();
            }
            channel.shutdownOutput();
            // dockerd closes the stream once the container's stdin is closed or the container ends
            ByteBuffer sink = ByteBuffer.allocate(4096);
            while (channel.read(sink) >= 0) {
                sink.clear();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "pool " + settings.poolName() + ": feeding stdin " + stdin + " to " + name
                    + " failed", e);
        }
    }

    private void watch(String name) {
        if (!shutdown && watched.add(name)) {
            dispatch(() -> watchLoop(name));
        }
    }

    private void dispatch(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            Thread thread = new Thread(task, "cairn-docker-" + settings.poolName());
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Blocks on {@code /wait} until the container ends (killing it when its time limit passes), then settles it.
     * When the connection to dockerd breaks, the task is marked as possibly lost and the watcher tries again; if the
     * container is found running again (a daemon with live-restore), the mark goes.
     */
    private void watchLoop(String name) {
        try {
            watchUntilEnded(name);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pool " + settings.poolName() + ": the watcher of " + name + " failed; status"
                    + " calls settle the task", e);
            lock.lock();
            try {
                watched.remove(name);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void watchUntilEnded(String name) {
        long backoff = 100;
        boolean ended = false;
        while (!ended) {
            if (isShutdown()) {
                return;
            }
            try {
                JsonObject container = inspectQuietly(name);
                if (container == null) {
                    break;
                }
                JsonObject state = container.getJsonObject("State");
                if (isRunning(state.getString("Status", ""))) {
                    Files.deleteIfExists(marker(name, "lost"));
                } else {
                    break;
                }
                Duration left = null;
                long limit = parseLong(label(container, LABEL_TIME_LIMIT));
                Instant startedAt = time(state, "StartedAt");
                if (limit > 0 && startedAt != null) {
                    left = Duration.between(Instant.now(), startedAt.plusSeconds(limit));
                    if (left.isNegative() || left.isZero()) {
                        killForTimeLimit(name, limit);
                        continue;
                    }
                }
                UnixHttpClient.Response waited = http.send("POST",
                        API + "/containers/" + name + "/wait?condition=not-running", null, left);
                ended = waited.ok() || waited.status() == 404;
                backoff = 100;
            } catch (HttpTimeoutException e) {
                // the time limit passed while waiting: the next round kills it
                LOG.log(Level.FINEST, "wait timed out", e);
            } catch (IOException e) {
                if (isShutdown()) {
                    return;
                }
                touch(marker(name, "lost"));
                LOG.log(Level.FINE, "pool " + settings.poolName() + ": lost the connection to dockerd while "
                        + "waiting for " + name + "; retrying", e);
                sleep(backoff);
                backoff = Math.min(2000, backoff * 2);
            }
        }
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            watched.remove(name);
            JsonObject container = inspect(name);
            if (container != null) {
                settle(name, container);
            }
            schedule();
            changed.signalAll();
        } catch (ComputeException e) {
            // measured: a dockerd stopping without --live-restore kills the containers (SIGTERM, SIGKILL after
            // 10 s), answers the pending /wait with the exit code and is gone before the inspect; that exit code
            // is the daemon's doing, not the command's
            if (!Files.exists(finishedFile(name))) {
                touch(marker(name, "lost"));
            }
            LOG.log(Level.WARNING, "pool " + settings.poolName() + ": dockerd went away as " + name + " ended; the"
                    + " next status call settles it as lost", e);
        } finally {
            lock.unlock();
        }
    }

    private void killForTimeLimit(String name, long limit) throws IOException {
        touch(marker(name, "timeout"));
        UnixHttpClient.Response killed = http.send("POST", API + "/containers/" + name + "/kill", null, CALL);
        LOG.info(() -> "pool " + settings.poolName() + ": task " + name + " killed after its time limit of " + limit
                + " s (HTTP " + killed.status() + ")");
    }

    // ---- creating ------------------------------------------------------------------------------------------------

    /** Creates the task's container, or records why it cannot run. Lock held. */
    private void create(String name, TaskSpec spec) {
        String image;
        try {
            image = chooseImage(spec);
        } catch (IllegalStateException e) {
            recordWithoutContainer(name, spec, e.getMessage());
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_POOL, settings.poolName());
        labels.put(LABEL_TASK, spec.taskId());
        lastSequence = Math.max(lastSequence + 1, System.currentTimeMillis() * 1000);
        labels.put(LABEL_SEQ, Long.toString(lastSequence));
        labels.put(LABEL_STDOUT, spec.stdout());
        labels.put(LABEL_STDERR, spec.stderr());
        if (spec.stdin() != null) {
            labels.put(LABEL_STDIN, spec.stdin());
        }
        labels.put(LABEL_TIME_LIMIT, Long.toString(spec.timeLimitSeconds()));
        String user;
        try {
            Path workDir = Path.of(spec.workDir());
            Files.createDirectories(workDir);
            user = settings.user() != null ? settings.user() : owner(workDir);
        } catch (IOException e) {
            throw new ComputeException("cannot create the work folder " + spec.workDir() + ": " + e.getMessage(), e);
        }
        JsonObject body = ContainerRequest.body(spec, image, user, labels, settings.network(), hostCpus());
        try {
            UnixHttpClient.Response created = http.send("POST",
                    API + "/containers/create?name=" + encode(name), bytes(body), CALL);
            if (created.status() == 409) {
                return; // a concurrent submit of the same task (another server) won
            }
            if (!created.ok()) {
                recordWithoutContainer(name, spec, "dockerd refused to create the container for image " + image
                        + ": " + errorMessage(created.body()));
            }
        } catch (IOException e) {
            throw unreachable("cannot create a container", e);
        }
    }

    /**
     * The image a task runs in: its own if dockerd has it (or pulls it, with pullPolicy {@code missing}); the pool's
     * default image when the task names none, or names one only as a hint that is not there.
     *
     * @throws IllegalStateException with a message for the task's status when no image can be used
     */
    private String chooseImage(TaskSpec spec) {
        if (spec.image() != null) {
            if (hasImage(spec.image()) || settings.pullPolicy().equals("missing") && pull(spec.image())) {
                return spec.image();
            }
            if (spec.imageRequired()) {
                throw new IllegalStateException("image " + spec.image() + " is not on dockerd at " + settings.socket()
                        + (settings.pullPolicy().equals("never") ? " and the pool does not pull (pullPolicy=never)"
                        : " and pulling it failed"));
            }
        }
        if (!hasImage(settings.defaultImage())) {
            throw new IllegalStateException("the pool's default image " + settings.defaultImage()
                    + " is not on dockerd at " + settings.socket());
        }
        return settings.defaultImage();
    }

    private boolean hasImage(String image) {
        try {
            return http.send("GET", API + "/images/" + image + "/json", null, CALL).ok();
        } catch (IOException e) {
            throw unreachable("cannot look up image " + image, e);
        }
    }

    private boolean pull(String image) {
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > image.lastIndexOf('/') && !image.contains("@");
        String from = tagged ? image.substring(0, colon) : image;
        String query = "fromImage=" + encode(from) + (tagged ? "&tag=" + encode(image.substring(colon + 1)) : "");
        try {
            UnixHttpClient.Response pulled = http.send("POST", API + "/images/create?" + query, null, PULL);
            // progress arrives as JSON lines; a failure is a line with "error" even under HTTP 200
            boolean failed = !pulled.ok() || pulled.text().contains("\"error\"");
            if (failed) {
                LOG.info(() -> "pool " + settings.poolName() + ": pulling " + image + " failed: "
                        + pulled.text().strip());
            }
            return !failed && hasImage(image);
        } catch (IOException e) {
            LOG.log(Level.INFO, "pool " + settings.poolName() + ": pulling " + image + " failed", e);
            return false;
        }
    }

    private int hostCpus() {
        if (hostCpus < 0) {
            try {
                hostCpus = json(http.send("GET", API + "/info", null, CALL)).getInt("NCPU", 0);
            } catch (IOException | RuntimeException e) {
                hostCpus = 0;
            }
        }
        return hostCpus;
    }

    private static String owner(Path dir) throws IOException {
        return Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    // ---- records -------------------------------------------------------------------------------------------------

    private Path finishedFile(String name) {
        return finishedDir.resolve(name + ".properties");
    }

    private Path marker(String name, String kind) {
        return markersDir.resolve(name + "." + kind);
    }

    private void record(String name, JsonObject container, TaskState state, Integer exitCode, String message,
                        Instant startedAt, Instant endedAt) {
        record(name, label(container, LABEL_TASK), label(container, LABEL_STDOUT), label(container, LABEL_STDERR),
                state, exitCode, message, startedAt, endedAt);
    }

    private void recordWithoutContainer(String name, TaskSpec spec, String message) {
        LOG.warning(() -> "pool " + settings.poolName() + ": task " + spec.taskId() + " cannot run: " + message);
        record(name, spec.taskId(), spec.stdout(), spec.stderr(), TaskState.SYSTEM_ERROR, null, message, null,
                Instant.now());
    }

    private void record(String name, String taskId, String stdout, String stderr, TaskState state, Integer exitCode,
                        String message, Instant startedAt, Instant endedAt) {
        Properties properties = new Properties();
        setIfPresent(properties, "taskId", taskId);
        setIfPresent(properties, "stdout", stdout);
        setIfPresent(properties, "stderr", stderr);
        properties.setProperty("state", state.name());
        setIfPresent(properties, "exitCode", exitCode == null ? null : exitCode.toString());
        setIfPresent(properties, "message", message);
        setIfPresent(properties, "startedAt", startedAt == null ? null : startedAt.toString());
        setIfPresent(properties, "endedAt", endedAt == null ? null : endedAt.toString());
        Path file = finishedFile(name);
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                properties.store(out, null);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ComputeException("cannot record the result of " + name + " in " + finishedDir + ": "
                    + e.getMessage(), e);
        }
    }

    private Properties readFinished(String name) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(finishedFile(name))) {
            properties.load(in);
            return properties;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ComputeException("cannot read the result of " + name + ": " + e.getMessage(), e);
        }
    }

    private TaskStatus finishedStatus(String name) {
        Properties finished = readFinished(name);
        if (finished == null) {
            return null;
        }
        String exitCode = finished.getProperty("exitCode");
        return new TaskStatus(TaskState.valueOf(finished.getProperty("state")),
                exitCode == null ? null : Integer.valueOf(exitCode), finished.getProperty("message"),
                instant(finished.getProperty("startedAt")), instant(finished.getProperty("endedAt")));
    }

    // ---- dockerd -------------------------------------------------------------------------------------------------

    /** The pool's containers as {@code /containers/json} lists them, in any state. */
    private List<JsonObject> containers() {
        String filters = "{\"label\":[\"" + LABEL_POOL + "=" + settings.poolName() + "\"]}";
        try {
            UnixHttpClient.Response listed = http.send("GET",
                    API + "/containers/json?all=1&filters=" + encode(filters), null, CALL);
            if (!listed.ok()) {
                throw new ComputeException("dockerd refused to list containers: " + errorMessage(listed.body()));
            }
            try (JsonReader reader = JSON.createReader(new StringReader(listed.text()))) {
                JsonArray array = reader.readArray();
                List<JsonObject> result = new ArrayList<>();
                for (JsonValue value : array) {
                    JsonObject container = value.asJsonObject();
                    if (settings.poolName().equals(labels(container).getString(LABEL_POOL, null))) {
                        result.add(container);
                    }
                }
                return result;
            }
        } catch (IOException e) {
            throw unreachable("cannot list containers", e);
        }
    }

    /** {@code /containers/{name}/json}, or {@code null} if there is no such container. */
    private JsonObject inspect(String name) {
        try {
            return inspectQuietly(name);
        } catch (IOException e) {
            throw unreachable("cannot inspect container " + name, e);
        }
    }

    private JsonObject inspectQuietly(String name) throws IOException {
        UnixHttpClient.Response inspected = http.send("GET", API + "/containers/" + name + "/json", null, CALL);
        if (inspected.status() == 404) {
            return null;
        }
        if (!inspected.ok()) {
            throw new IOException("dockerd answered HTTP " + inspected.status() + ": "
                    + errorMessage(inspected.body()));
        }
        return json(inspected);
    }

    /** Kills and removes a container; a container that is gone already is fine. Lock held. */
    private void remove(String name) {
        try {
            UnixHttpClient.Response removed = http.send("DELETE", API + "/containers/" + name + "?force=1&v=1", null,
                    CALL);
            if (!removed.ok() && removed.status() != 404) {
                LOG.warning(() -> "pool " + settings.poolName() + ": cannot remove container " + name + ": "
                        + errorMessage(removed.body()));
            }
            Files.deleteIfExists(marker(name, "timeout"));
            Files.deleteIfExists(marker(name, "lost"));
        } catch (IOException e) {
            throw unreachable("cannot remove container " + name, e);
        }
    }

    private void requireOwnTask(JsonObject container, String taskId) {
        if (!settings.poolName().equals(label(container, LABEL_POOL)) || !taskId.equals(label(container, LABEL_TASK))) {
            throw new ComputeException("container " + nameOf(container) + " exists but is not task " + taskId
                    + " of pool " + settings.poolName());
        }
    }

    private ComputeException unreachable(String what, IOException e) {
        return new ComputeException(what + ": dockerd at " + settings.socket() + " does not answer ("
                + e.getMessage() + ")", e);
    }

    // ---- names and helpers ---------------------------------------------------------------------------------------

    /**
     * The container name of a task: {@code cairn-<pool>-<task id>-<hash>}, pool and task id reduced to the
     * characters Docker allows and shortened, the hash (12 hex digits of SHA-256 over pool and task id) keeping
     * different tasks apart whatever the reduction merged.
     */
    static String containerName(String poolName, String taskId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((poolName + "\n" + taskId).getBytes(StandardCharsets.UTF_8));
            return "cairn-" + sanitize(poolName, 24) + "-" + sanitize(taskId, 48) + "-"
                    + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static String sanitize(String text, int max) {
        String clean = text.replaceAll("[^A-Za-z0-9_.-]", "_");
        return clean.length() > max ? clean.substring(0, max) : clean;
    }

    private boolean isOwnName(String name) {
        return name != null && name.startsWith(namePrefix) && name.length() <= 128 && NAME.matcher(name).matches();
    }

    private static String nameOf(JsonObject listed) {
        JsonArray names = listed.getJsonArray("Names");
        if (names != null && !names.isEmpty()) {
            String name = names.getString(0);
            return name.startsWith("/") ? name.substring(1) : name;
        }
        String name = listed.getString("Name", "");
        return name.startsWith("/") ? name.substring(1) : name;
    }

    /** Labels of a listed container ({@code Labels}) or an inspected one ({@code Config.Labels}). */
    private static JsonObject labels(JsonObject container) {
        JsonValue labels = container.containsKey("Config")
                ? container.getJsonObject("Config").get("Labels") : container.get("Labels");
        return labels instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static String label(JsonObject container, String name) {
        return labels(container).getString(name, null);
    }

    private static Instant time(JsonObject state, String field) {
        return state == null ? null : instant(state.getString(field, null));
    }

    /** Docker writes {@code 0001-01-01T00:00:00Z} for "never". */
    private static Instant instant(String text) {
        if (text == null || text.isEmpty() || text.startsWith("0001-")) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JsonObject json(UnixHttpClient.Response response) throws IOException {
        if (!response.ok()) {
            throw new IOException("HTTP " + response.status() + ": " + errorMessage(response.body()));
        }
        try (JsonReader reader = JSON.createReader(new StringReader(response.text()))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new IOException("dockerd sent JSON that cannot be read: " + e.getMessage(), e);
        }
    }

    /** The {@code message} of a Docker error body, else the body as text. */
    static String errorMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject().getString("message", text);
        } catch (RuntimeException e) {
            return text;
        }
    }

    private static byte[] bytes(JsonObject body) {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void setIfPresent(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
        }
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, Instant.now().toString());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write " + file, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LogChunk readFile(Path file, long offset, int maxBytes) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new LogChunk(new byte[0], offset);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long available = Math.max(0, channel.size() - offset);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, available));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
                // keep reading
            }
            byte[] data = new byte[buffer.position()];
            buffer.flip().get(data);
            return new LogChunk(data, offset + data.length);
        } catch (NoSuchFileException e) {
            return new LogChunk(new byte[0], offset);
        } catch (IOException e) {
            throw new ComputeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (shutdown) {
            throw new ComputeException("the backend of docker pool " + settings.poolName() + " is shut down");
        }
    }

    /** Rejects what cannot be run faithfully, before anything is created. */
    private static void validate(TaskSpec spec) {
        requireAbsolute("workDir", spec.workDir());
        requireAbsolute("stdout", spec.stdout());
        requireAbsolute("stderr", spec.stderr());
        if (spec.stdin() != null) {
            requireAbsolute("stdin", spec.stdin());
        }
        spec.readOnlyPaths().forEach(path -> requireAbsolute("a read-only path", path));
        validateContainerPaths(spec);
        if (spec.image() != null && !IMAGE.matcher(spec.image()).matches()) {
            throw new IllegalArgumentException("not an image reference: " + spec.image());
        }
        for (String argument : spec.command()) {
            if (argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command argument contains a NUL character");
            }
        }
        spec.environment().forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name or value: " + name);
            }
        });
    }

    /**
     * The container work folder and the targets of container mounts must be absolute, not {@code /}, and apart from
     * every other path bound in the container (neither the same, nor inside, nor around one): a mount inside a bound
     * host folder would make dockerd create its mount point in that host folder.
     */
    static void validateContainerPaths(TaskSpec spec) {
        List<Path> bound = new ArrayList<>();
        bound.add(Path.of(spec.workDir()).normalize());
        String tmp = spec.environment().get("TMPDIR");
        if (tmp != null && tmp.indexOf('\0') < 0 && Path.of(tmp).isAbsolute()) {
            bound.add(Path.of(tmp).normalize());
        }
        spec.readOnlyPaths().forEach(path -> bound.add(Path.of(path).normalize()));
        if (spec.containerWorkDir() != null) {
            bound.add(containerPath("the container work folder", spec.containerWorkDir(), bound));
        }
        for (TaskSpec.Mount mount : spec.containerMounts()) {
            requireAbsolute("a mount source", mount.source());
            bound.add(containerPath("a mount target", mount.target(), bound));
        }
    }

    private static Path containerPath(String what, String text, List<Path> bound) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character");
        }
        requireAbsolute(what, text);
        Path path = Path.of(text).normalize();
        if (path.getParent() == null) {
            throw new IllegalArgumentException(what + " must not be the container's root folder: " + text);
        }
        for (Path other : bound) {
            if (path.startsWith(other) || other.startsWith(path)) {
                throw new IllegalArgumentException(what + " " + text + " overlaps " + other
                        + ", which the container sees already");
            }
        }
        return path;
    }

    private static void requireAbsolute(String what, String path) {
        if (!Path.of(path).isAbsolute()) {
            throw new IllegalArgumentException(what + " must be an absolute path: " + path);
        }
    }

    private static long saturatedNanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    @Override
    public String toString() {
        return "DockerBackend[" + settings.poolName() + ", " + settings.slots() + " slots, " + settings.socket() + "]";
    }
}
