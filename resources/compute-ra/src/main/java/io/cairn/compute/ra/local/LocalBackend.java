package io.cairn.compute.ra.local;

import io.cairn.compute.ComputeException;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.Backend;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs tasks as processes of this host, at most {@code slots} at once, the rest in FIFO order as slots free up.
 *
 * <p>Each task runs as {@code setsid /bin/sh -c WRAPPER cairn-task <controlDir> <pwd> <command...>}: a session of
 * its own (so a cancel kills the whole tree and a server crash does not), whose fixed wrapper script runs the
 * command without interpreting it and then records the exit code in the task's control folder (one {@code write} of
 * the shell's builtin {@code printf}, no extra process; a reader takes the code only with its closing newline). Everything the
 * backend knows lives in the state folder ({@link TaskFolder} per task, plus a task-id index), so a backend created
 * later on the same folder adopts running and queued tasks. A file lock keeps two backends off one state folder.
 *
 * <p>A task's processes end with it: once its terminal state is recorded, whatever the command left running in the
 * task's session (a daemon it started in the background) is killed before the slot is freed.
 *
 * <p>Slots are freed by the processes' exit events ({@link Process#onExit()}, {@link ProcessHandle#onExit()}), whose
 * callbacks run on the resource adapter's work manager.
 */
final class LocalBackend implements Backend {

    static final String KIND = "local";

    /**
     * The wrapper, run by {@code /bin/sh -c} with {@code $0 = cairn-task}, {@code $1} the control folder, {@code $2}
     * either {@code -} (the task has no PWD; the shell's own must go) or {@code =value} (the task's PWD), and the
     * command after them. {@code exec} in a subshell runs the command as a program (never a shell builtin or
     * function) and no shell variable is assigned, so the command sees exactly the task's environment.
     */
    static final String WRAPPER = String.join("\n",
            "case $2 in -) unset PWD ;; *) PWD=${2#=}; export PWD ;; esac",
            "( shift 2; exec \"$@\" )",
            "set -- \"$1\" \"$?\"",
            "printf '%s\\n' \"$2\" > \"$1/exit\"",
            "exit \"$2\"");

    static final String VANISHED = "process vanished without an exit code";
    static final String STOPPED_WHILE_STARTING = "the server stopped while the task was being started";

    private static final Logger LOG = Logger.getLogger(LocalBackend.class.getName());
    private static final String SHELL = "/bin/sh";
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** How often a waiting caller looks again if no exit event arrived (a safety net only). */
    private static final long AWAIT_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Terminal statuses kept in memory (see {@link #ended}). */
    private static final int ENDED_KEPT = 20_000;

    /**
     * A task this backend started: its process (the JDK reaps it and knows when it ended, without a look at /proc),
     * or {@code null} for a task handed to the {@link Launcher}; what its control folder records of the start
     * ({@code null} until the launcher has reported the pid); when it was started and when the pid counter was read
     * then; and its time limit.
     */
    private record Launch(Process process, TaskFolder.Started started, Instant startedAt, long pidReadAt,
                          long limitSeconds) {

        /** A task handed to the launcher runs until the launcher reports its end (which settles it). */
        boolean alive() {
            return process == null || process.isAlive();
        }

        boolean viaLauncher() {
            return process == null;
        }
    }

    /** How tasks are started: see {@link Settings#launcher()}. */
    static final String LAUNCHER_AUTO = "auto";
    static final String LAUNCHER_PERL = "perl";
    static final String LAUNCHER_SHELL = "shell";

    /**
     * The pool's configuration as the backend needs it. {@code launcher}: {@value #LAUNCHER_PERL} (the long-lived
     * {@link Launcher}), {@value #LAUNCHER_SHELL} (one {@code setsid} and shell wrapper per task, started by the JVM)
     * or {@value #LAUNCHER_AUTO} (the launcher where the host has Perl, else the wrapper).
     */
    record Settings(String poolName, int slots, Path stateDir, String launcher) {

        Settings(String poolName, int slots, Path stateDir) {
            this(poolName, slots, stateDir, LAUNCHER_AUTO);
        }
    }

    private final String poolName;
    private final int slots;
    private final Path stateDir;
    private final Path tasksDir;
    private final Path indexDir;
    private final Executor executor;
    private final String host;
    private final String setsid;
    private final String kill;
    private final FileChannel lockFile;
    private final FileLock stateLock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a task may have reached a terminal state. */
    private final Condition changed = lock.newCondition();
    private final Map<String, String> index = new HashMap<>();
    /** Tasks waiting for a slot, oldest first; a set, so that the status of a queued task costs no scan. */
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final Map<String, ProcessHandle> running = new HashMap<>();
    /**
     * What this backend holds in memory of its tasks, so that the exit path and status calls need not read the
     * control folders back (the folders stay the record; an adopting backend reads them): the specs of queued tasks
     * submitted here, the launch of each task started here, and the terminal statuses read so far (a terminal
     * status never changes; the most recent {@link #ENDED_KEPT} are kept).
     */
    private final Map<String, TaskSpec> queuedSpecs = new HashMap<>();
    private final Map<String, Launch> launches = new HashMap<>();
    private final Map<String, TaskStatus> ended = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskStatus> eldest) {
            return size() > ENDED_KEPT;
        }
    };
    private final PidCounter pids = new PidCounter(ProcStat.pidMax(), ProcStat.onlineCpus());
    private long nextSequence;
    private boolean shutdown;
    /** The launcher tasks are handed to; {@code null}: each task is started through the wrapper. */
    private Launcher launcher;

    LocalBackend(Settings settings, Executor executor) {
        if (settings.slots() < 1) {
            throw new IllegalArgumentException("a local pool needs at least 1 slot, not " + settings.slots());
        }
        this.poolName = settings.poolName();
        this.slots = settings.slots();
        this.stateDir = settings.stateDir().toAbsolutePath().normalize();
        this.tasksDir = stateDir.resolve("tasks");
        this.indexDir = stateDir.resolve("index");
        this.executor = executor;
        this.setsid = firstExecutable("/usr/bin/setsid", "/bin/setsid");
        if (setsid == null) {
            throw new ComputeException("the local backend needs setsid (util-linux or busybox), which is missing");
        }
        this.kill = firstExecutable("/usr/bin/kill", "/bin/kill");
        this.host = hostName();
        FileChannel channel = null;
        FileLock acquired;
        try {
            Files.createDirectories(tasksDir);
            Files.createDirectories(indexDir);
            channel = FileChannel.open(stateDir.resolve("backend.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            acquired = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ComputeException("cannot use the state folder " + stateDir + ": " + e.getMessage(), e);
        }
        if (acquired == null) {
            closeQuietly(channel);
            throw new ComputeException("the state folder " + stateDir + " is used by another local backend");
        }
        this.lockFile = channel;
        this.stateLock = acquired;
        try {
            this.launcher = startLauncher(settings.launcher());
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        lock.lock();
        try {
            adopt();
            startQueued();
        } catch (RuntimeException e) {
            release();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String submit(TaskSpec spec) {
        validate(spec);
        lock.lock();
        try {
            ensureOpen();
            String known = index.get(spec.taskId());
            if (known != null) {
                return known;
            }
            String id = UUID.randomUUID().toString();
            try {
                new TaskFolder(tasksDir.resolve(id)).create(spec, nextSequence++, Instant.now());
                writeIndex(spec.taskId(), id);
            } catch (IOException e) {
                throw new ComputeException("cannot record task " + spec.taskId() + " in " + stateDir + ": "
                        + e.getMessage(), e);
            }
            index.put(spec.taskId(), id);
            queue.add(id);
            queuedSpecs.put(id, spec);
            LOG.fine(() -> "pool " + poolName + ": task " + spec.taskId() + " submitted as " + id);
            startQueued();
            changed.signalAll();
            return id;
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
     * Waits for the first end among these tasks on the exit events (as {@link #await} does for one), then gives the
     * status of each.
     */
    @Override
    public Map<String, TaskStatus> awaitAny(Collection<String> backendIds, Duration timeout) {
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        lock.lock();
        try {
            while (true) {
                Map<String, TaskStatus> statuses = new LinkedHashMap<>();
                boolean ended = false;
                for (String backendId : backendIds) {
                    TaskStatus status = statusLocked(backendId);
                    statuses.put(backendId, status);
                    ended |= status.state().isTerminal();
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0 || shutdown || backendIds.isEmpty()) {
                    return statuses;
                }
                try {
                    changed.awaitNanos(Math.min(left, AWAIT_RECHECK_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return statuses;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads a task's log as {@link io.cairn.compute.ComputeConnection#logs} does. Besides reading past the end, this
     * backend gives an empty chunk whose next offset is {@code offset}:
     * <ul>
     *   <li>for an unknown backend id (like {@link #status(String)}, which calls it lost, rather than an error);</li>
     *   <li>while the log file does not exist;</li>
     *   <li>when the log file is not a regular file: the task's command can replace it, and a symbolic link (to
     *       {@code /etc/shadow}, say) is never followed, nor is a FIFO or device opened.</li>
     * </ul>
     */
    @Override
    public LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("offset and maxBytes must not be negative");
        }
        TaskSpec spec;
        lock.lock();
        try {
            TaskFolder folder = folder(backendId);
            if (folder == null) {
                return new LogChunk(new byte[0], offset);
            }
            spec = folder.read().spec();
        } catch (IOException e) {
            throw new ComputeException("cannot read task " + backendId + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        Path file = Path.of(stream == LogStream.STDOUT ? spec.stdout() : spec.stderr());
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                LOG.fine(() -> "pool " + poolName + ": log " + file + " of task " + backendId
                        + " is not a regular file; read as empty");
            }
            return new LogChunk(new byte[0], offset);
        }
        // NOFOLLOW_LINKS also when opening: the command may swap in a link between the look and the open
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long available = Math.max(0, channel.size() - offset);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, available));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    break;
                }
            }
            byte[] data = new byte[buffer.position()];
            buffer.flip().get(data);
            return new LogChunk(data, offset + data.length);
        } catch (NoSuchFileException e) {
            return new LogChunk(new byte[0], offset);
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(file)) {
                return new LogChunk(new byte[0], offset); // ELOOP: it became a link after the look
            }
            throw new ComputeException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ComputeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cancel(String backendId) {
        ProcessHandle target;
        lock.lock();
        try {
            ensureOpen();
            TaskFolder folder = folder(backendId);
            if (folder == null || finished(folder) != null) {
                return;
            }
            boolean wasQueued = queue.remove(backendId);
            TaskFolder.Started started = folder.started();
            target = started == null ? null : liveProcess(started);
            try {
                // before the kill: the exit code the dying wrapper may still write must not win
                folder.markCanceled(Instant.now());
            } catch (IOException e) {
                throw new ComputeException("cannot cancel task " + backendId + ": " + e.getMessage(), e);
            }
            finished(folder); // remembered: CANCELED from now on, though the process may take a moment to die
            LOG.fine(() -> "pool " + poolName + ": task " + backendId + " canceled"
                    + (wasQueued ? " before it started" : ""));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (target != null) {
            killTree(target);
        }
        lock.lock();
        try {
            if (target != null && !running.containsKey(backendId)) {
                // settled meanwhile by a status call, whose sweep may have come before the kill: a wrapper killed
                // while starting up may have forked just before it died
                killLeftovers(backendId);
            }
            settle(backendId);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PoolStatus ping() {
        lock.lock();
        try {
            if (shutdown) {
                return new PoolStatus(KIND, false, slots, 0, 0, "the backend of pool " + poolName + " is shut down");
            }
            // a slot freed here goes to the next queued task at once: the late exit event of the process finds its
            // task settled and starts nothing (without this the queue stalled for good)
            reapVanished();
            startQueued();
            return new PoolStatus(KIND, true, slots, running.size(), queue.size(), "local processes on " + host);
        } catch (RuntimeException e) {
            return new PoolStatus(KIND, false, slots, 0, 0, String.valueOf(e.getMessage()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            awaitLauncherStarts();
            shutdown = true;
            queue.clear();
            running.clear();
            changed.signalAll();
            if (launcher != null) {
                launcher.close(); // it records the exit codes of the tasks it runs, then ends
            }
        } finally {
            lock.unlock();
        }
        release();
        LOG.info(() -> "local pool " + poolName + " shut down; its tasks keep running and stay in " + stateDir);
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

    // ---- state -------------------------------------------------------------------------------------------------

    private TaskStatus statusLocked(String backendId) {
        if (queue.contains(backendId)) {
            // only tasks not ended are queued (a cancel takes its task out first): nothing to read
            return TaskStatus.of(TaskState.QUEUED);
        }
        TaskStatus known = ended.get(backendId);
        if (known != null) {
            settle(backendId);
            return known;
        }
        Launch launch = launches.get(backendId);
        if (launch != null && launch.alive()) {
            return new TaskStatus(TaskState.RUNNING, null, null, launch.startedAt(), null);
        }
        TaskFolder folder = folder(backendId);
        if (folder == null) {
            return TaskStatus.lost("unknown task " + backendId);
        }
        TaskStatus done = finished(folder);
        if (done != null) {
            settle(backendId);
            return done;
        }
        TaskFolder.Started started = folder.started();
        if (started == null) {
            if (folder.isStarting()) {
                // starts happen under the lock, so this one was interrupted by a crash
                fail(folder, STOPPED_WHILE_STARTING);
                return finished(folder);
            }
            // queued on disk for a backend that has not adopted it (this one is shut down)
            return TaskStatus.of(TaskState.QUEUED);
        }
        if (liveProcess(started) != null) {
            return new TaskStatus(TaskState.RUNNING, null, null, started.startedAt(), null);
        }
        done = finished(folder); // it may have ended between the two looks
        if (done == null) {
            fail(folder, VANISHED);
            done = finished(folder);
        }
        settle(backendId);
        return done;
    }

    /** {@link #readFinished}, remembered once it is known. */
    private TaskStatus finished(TaskFolder folder) {
        String backendId = folder.dir().getFileName().toString();
        TaskStatus known = ended.get(backendId);
        if (known != null) {
            return known;
        }
        TaskStatus status = readFinished(folder);
        if (status != null) {
            ended.put(backendId, status);
        }
        return status;
    }

    /** The terminal status the control folder records, or {@code null}. Cancel wins over an exit code. */
    private static TaskStatus readFinished(TaskFolder folder) {
        Instant canceled = folder.canceledAt();
        TaskFolder.Started started = folder.started();
        Instant startedAt = started == null ? null : started.startedAt();
        if (canceled != null) {
            return new TaskStatus(TaskState.CANCELED, null, "canceled", startedAt, canceled);
        }
        TaskFolder.TimedOut timedOut = folder.timedOut();
        if (timedOut != null) {
            return new TaskStatus(TaskState.EXECUTOR_ERROR, null, "the tool ran longer than its time limit of "
                    + timedOut.limitSeconds() + " s and was killed", startedAt, timedOut.at());
        }
        Integer exitCode = folder.exitCode();
        if (exitCode != null) {
            // file times come from a coarse kernel clock: a quick command may seem to end before it started
            Instant exitedAt = folder.exitedAt();
            Instant endedAt = exitedAt == null || startedAt != null && exitedAt.isBefore(startedAt) ? startedAt
                    : exitedAt;
            return new TaskStatus(exitCode == 0 ? TaskState.COMPLETE : TaskState.EXECUTOR_ERROR, exitCode, null,
                    startedAt, endedAt);
        }
        TaskFolder.Failure failure = folder.failure();
        if (failure != null) {
            return new TaskStatus(TaskState.SYSTEM_ERROR, null, failure.message(), startedAt, failure.at());
        }
        return null;
    }

    /** The control folder of a known task, or {@code null}; rejects anything but a backend-made id. */
    private TaskFolder folder(String backendId) {
        try {
            if (!UUID.fromString(backendId).toString().equals(backendId)) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
        return folder.exists() ? folder : null;
    }

    private void fail(TaskFolder folder, String message) {
        try {
            folder.markFailed(message, Instant.now());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot record the failure of task " + folder.dir().getFileName(), e);
        }
        LOG.warning(() -> "pool " + poolName + ": task " + folder.dir().getFileName() + " failed: " + message);
    }

    // ---- slots ---------------------------------------------------------------------------------------------------

    /** Starts queued tasks, oldest first, while slots are free. */
    private void startQueued() {
        if (shutdown) {
            return;
        }
        if (running.size() >= slots && !queue.isEmpty()) {
            reapVanished();
        }
        while (running.size() < slots && !queue.isEmpty()) {
            String next = queue.iterator().next();
            queue.remove(next);
            start(next);
        }
    }

    /**
     * A task is over (its terminal state is recorded): kill what its command left running, free its slot and hand it
     * on. Only the first call for a watched task does anything.
     */
    private void settle(String backendId) {
        if (running.containsKey(backendId)) {
            running.remove(backendId);
            killLeftovers(backendId);
            launches.remove(backendId);
            changed.signalAll();
            startQueued();
        }
    }

    /**
     * Frees the slots of processes that ended without an exit event reaching us: adopted processes that became
     * zombies where nobody reaps orphans (the JDK counts those as alive).
     */
    private void reapVanished() {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, ProcessHandle> entry : running.entrySet()) {
            Launch launch = launches.get(entry.getKey());
            if (launch != null && launch.viaLauncher()) {
                continue; // its end comes from the launcher, or from the launcher's loss
            }
            if (launch != null ? !launch.process().isAlive() : !ProcStat.isRunning(entry.getValue())) {
                gone.add(entry.getKey());
            }
        }
        for (String backendId : gone) {
            running.remove(backendId);
            TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
            if (finished(folder) == null) {
                fail(folder, VANISHED);
            }
            killLeftovers(backendId);
            launches.remove(backendId);
            changed.signalAll();
        }
    }

    private void start(String backendId) {
        TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
        Process process = null;
        try {
            TaskSpec spec = queuedSpecs.remove(backendId);
            if (spec == null) {
                spec = folder.read().spec(); // adopted from an earlier backend's queue
            }
            Path workDir = Path.of(spec.workDir());
            Files.createDirectories(workDir);
            File stdout = createParents(Path.of(spec.stdout()));
            File stderr = createParents(Path.of(spec.stderr()));
            if (launcher != null) {
                folder.markStarting();
                Instant startedAt = Instant.now();
                running.put(backendId, null); // its pid comes with the launcher's report
                launches.put(backendId, new Launch(null, null, startedAt, 0, spec.timeLimitSeconds()));
                launcher.send(backendId, folder.dir(), spec);
                return;
            }
            List<String> argv = new ArrayList<>(List.of(setsid, SHELL, "-c", WRAPPER, "cairn-task",
                    folder.dir().toString(), pwdArgument(spec)));
            argv.addAll(spec.command());
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .directory(workDir.toFile())
                    .redirectInput(spec.stdin() == null ? new File("/dev/null") : new File(spec.stdin()))
                    .redirectOutput(stdout)
                    .redirectError(stderr);
            Map<String, String> environment = builder.environment();
            environment.clear();
            environment.putAll(spec.environment());
            folder.markStarting();
            Instant startedAt = Instant.now();
            process = builder.start();
            long pidReadAt = System.nanoTime();
            pids.observe(process.pid(), pidReadAt);
            Instant processStart = process.info().startInstant().orElse(null);
            TaskFolder.Started started = new TaskFolder.Started(process.pid(), processStart, startedAt);
            folder.markStarted(started);
            running.put(backendId, process.toHandle());
            launches.put(backendId, new Launch(process, started, startedAt, pidReadAt, spec.timeLimitSeconds()));
            watch(backendId, process.onExit());
            limitTime(backendId, spec.timeLimitSeconds(), startedAt);
            long pid = process.pid();
            LOG.fine(() -> "pool " + poolName + ": task " + backendId + " started as pid " + pid);
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                // it runs but could not be recorded: nobody could ever watch or cancel it
                killTree(process.toHandle());
            }
            fail(folder, "could not start the task: " + e.getMessage());
            changed.signalAll();
        }
    }

    /** Arranges for a task with a time limit to be killed once it has run that long (counted from its start). */
    private void limitTime(String backendId, long limitSeconds, Instant startedAt) {
        if (limitSeconds <= 0) {
            return;
        }
        long left = Math.max(0, Duration.between(Instant.now(), startedAt.plusSeconds(limitSeconds)).toMillis());
        CompletableFuture.delayedExecutor(left, TimeUnit.MILLISECONDS, this::dispatch)
                .execute(() -> timeUp(backendId, limitSeconds));
    }

    /** Kills a task that ran past its time limit, recording why before the kill so that its exit code does not win. */
    private void timeUp(String backendId, long limitSeconds) {
        ProcessHandle target;
        lock.lock();
        try {
            TaskFolder folder = shutdown || !running.containsKey(backendId) ? null : folder(backendId);
            if (folder == null || finished(folder) != null) {
                return;
            }
            TaskFolder.Started started = folder.started();
            target = started == null ? null : liveProcess(started);
            try {
                folder.markTimedOut(limitSeconds, Instant.now());
                finished(folder);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "pool " + poolName + ": cannot record the time-out of task " + backendId, e);
                return;
            }
            LOG.info(() -> "pool " + poolName + ": task " + backendId + " ran past its time limit of "
                    + limitSeconds + " s; killing it");
        } finally {
            lock.unlock();
        }
        if (target != null) {
            killTree(target);
        }
        lock.lock();
        try {
            settle(backendId);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void watch(String backendId, CompletableFuture<?> exit) {
        exit.whenCompleteAsync((ended, failure) -> exited(backendId), this::dispatch);
    }

    private void dispatch(Runnable callback) {
        try {
            executor.execute(callback);
        } catch (RejectedExecutionException e) {
            callback.run();
        }
    }

    /**
     * Exit event of a watched process: records a failure if the wrapper left no exit code, then {@linkplain #settle
     * settles} the task, which kills what the command left behind in the task's session.
     */
    private void exited(String backendId) {
        lock.lock();
        try {
            if (shutdown || !running.containsKey(backendId)) {
                return;
            }
            TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
            if (finished(folder) == null) {
                fail(folder, VANISHED);
            }
            settle(backendId);
        } finally {
            lock.unlock();
        }
    }

    // ---- the launcher ------------------------------------------------------------------------------------------

    private Launcher startLauncher(String mode) {
        String chosen = mode == null || mode.isBlank() ? LAUNCHER_AUTO : mode.trim();
        switch (chosen) {
            case LAUNCHER_SHELL:
                return null;
            case LAUNCHER_AUTO:
                if (!Launcher.available()) {
                    LOG.info(() -> "local pool " + poolName + ": no " + Launcher.PERL
                            + "; each task is started through a setsid and shell wrapper");
                    return null;
                }
                break;
            case LAUNCHER_PERL:
                if (!Launcher.available()) {
                    throw new ComputeException("local pool " + poolName + " is set to launcher=perl, but "
                            + Launcher.PERL + " is missing on this host; install Perl or set launcher=shell");
                }
                break;
            default:
                throw new IllegalArgumentException("unknown launcher '" + chosen + "' for local pool " + poolName
                        + ": use auto, perl or shell");
        }
        try {
            return Launcher.start(poolName, stateDir.resolve("launcher.log"), nativeCharset(), new LauncherEvents(),
                    executor);
        } catch (IOException e) {
            if (LAUNCHER_PERL.equals(chosen)) {
                throw new ComputeException("local pool " + poolName + ": " + e.getMessage(), e);
            }
            LOG.log(Level.WARNING, "local pool " + poolName + ": the launcher did not start; each task is started"
                    + " through a setsid and shell wrapper instead", e);
            return null;
        }
    }

    /**
     * Waits (a moment at most) until the launcher has reported the pid of every task handed to it, so that each has
     * its start recorded for the backend that adopts it.
     */
    private void awaitLauncherStarts() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (launcher != null && launches.values().stream().anyMatch(l -> l.viaLauncher() && l.started() == null)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The launcher's reports, on its reading thread. */
    private final class LauncherEvents implements Launcher.Events {

        @Override
        public void started(String backendId, long pid) {
            long pidReadAt = System.nanoTime();
            ProcessHandle process = ProcessHandle.of(pid).orElse(null);
            Instant processStart = process == null ? null : process.info().startInstant().orElse(null);
            lock.lock();
            try {
                pids.observe(pid, pidReadAt);
                Launch launch = launches.get(backendId);
                boolean awaited = launch != null && launch.viaLauncher() && launch.started() == null;
                if (!awaited && !shutdown) {
                    // settled before it began (canceled while being started): it must not run on
                    if (process != null) {
                        killTree(process);
                    }
                    return;
                }
                TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
                Instant startedAt = launch != null ? launch.startedAt() : Instant.now();
                TaskFolder.Started started = new TaskFolder.Started(pid, processStart, startedAt);
                try {
                    folder.markStarted(started); // the record an adopting backend reads, also after a shutdown
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "pool " + poolName + ": cannot record the start of task " + backendId, e);
                }
                if (shutdown || launch == null) {
                    return;
                }
                launches.put(backendId, new Launch(null, started, startedAt, pidReadAt, launch.limitSeconds()));
                running.put(backendId, process);
                limitTime(backendId, launch.limitSeconds(), startedAt);
                changed.signalAll();
                LOG.fine(() -> "pool " + poolName + ": task " + backendId + " started as pid " + pid);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void failed(String backendId, String message) {
            lock.lock();
            try {
                TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
                if (finished(folder) == null) {
                    fail(folder, "could not start the task: " + message);
                    finished(folder);
                }
                if (!shutdown) {
                    settle(backendId);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void exited(String backendId, int exitCode) {
            lock.lock();
            try {
                Launch launch = launches.get(backendId);
                if (shutdown || !running.containsKey(backendId) || launch == null || !launch.viaLauncher()) {
                    return;
                }
                if (!ended.containsKey(backendId)) {
                    // a cancel or time-out would already be in memory: it is recorded before the kill
                    Instant endedAt = Instant.now();
                    ended.put(backendId, new TaskStatus(exitCode == 0 ? TaskState.COMPLETE : TaskState.EXECUTOR_ERROR,
                            exitCode, null, launch.startedAt(), endedAt));
                }
                settle(backendId);
            } finally {
                lock.unlock();
            }
        }

        /**
         * The launcher died (it was killed): tasks it had started are watched like adopted ones (their end will be
         * a lost exit code), those it had not started fail, and new tasks start through the wrapper.
         */
        @Override
        public void lost(String reason) {
            lock.lock();
            try {
                launcher = null;
                if (shutdown) {
                    return;
                }
                List<String> mine = launches.entrySet().stream()
                        .filter(entry -> entry.getValue().viaLauncher())
                        .map(Map.Entry::getKey)
                        .toList();
                for (String backendId : mine) {
                    Launch launch = launches.remove(backendId);
                    TaskFolder folder = new TaskFolder(tasksDir.resolve(backendId));
                    ProcessHandle process = launch.started() == null ? null : liveProcess(launch.started());
                    if (process != null) {
                        running.put(backendId, process);
                        watch(backendId, process.onExit());
                        continue;
                    }
                    if (finished(folder) == null) {
                        fail(folder, launch.started() == null ? "the launcher ended before the task started ("
                                + reason + ")" : VANISHED);
                        finished(folder);
                    }
                    settle(backendId);
                }
                changed.signalAll();
                startQueued();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- processes -----------------------------------------------------------------------------------------------

    /** The task's process if it still runs and is the very process the task started (pids get reused). */
    private static ProcessHandle liveProcess(TaskFolder.Started started) {
        ProcessHandle process = ProcessHandle.of(started.pid()).orElse(null);
        if (process == null || process.pid() == ProcessHandle.current().pid() || !ProcStat.isRunning(process)) {
            return null;
        }
        if (started.processStart() != null) {
            Instant now = process.info().startInstant().orElse(null);
            if (now != null && !now.equals(started.processStart())) {
                return null;
            }
        }
        return process;
    }

    /**
     * Kills the task's session: SIGKILL to its process group, then to every process found below the wrapper (also
     * those that left the group), and waits until they are gone.
     */
    private void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(tree::add);
        }
        boolean leadsGroup = ProcStat.of(root.pid()).map(stat -> stat.pgrp() == root.pid()).orElse(false);
        if (leadsGroup && kill != null) {
            killGroup(root.pid());
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitGone(tree, "a canceled task");
    }

    /**
     * Kills what a finished task left running: every process still in the session its wrapper created (a daemon the
     * command started in the background, say), with the task's process group at once, and what runs below them.
     * Waits until they are gone, so a freed slot means a task tree fewer. Processes that left the session (setsid)
     * and are no longer below one that stayed cannot be found.
     */
    private void killLeftovers(String backendId) {
        Launch launch = launches.get(backendId);
        TaskFolder.Started started = launch != null ? launch.started()
                : new TaskFolder(tasksDir.resolve(backendId)).started();
        if (started == null) {
            return; // it never ran
        }
        long lowest = 0;
        if (launch != null) {
            long last = ProcStat.lastPid();
            pids.observe(last, System.nanoTime());
            if (last >= started.pid() && pids.unwrappedSince(launch.pidReadAt())) {
                lowest = started.pid(); // no member can have a lower pid: read only the stat files from there up
            }
        }
        List<ProcStat.Entry> members = started == null ? List.of() : leftovers(started, lowest);
        if (members.isEmpty()) {
            return;
        }
        long session = started.pid();
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        for (ProcStat.Entry member : members) {
            ProcessHandle.of(member.pid()).ifPresent(process -> {
                tree.add(process);
                try (Stream<ProcessHandle> descendants = process.descendants()) {
                    descendants.forEach(tree::add);
                }
            });
        }
        tree.removeIf(process -> process.pid() == ProcessHandle.current().pid());
        if (kill != null && members.stream().anyMatch(member -> member.stat().pgrp() == session)) {
            killGroup(session);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        LOG.fine(() -> "pool " + poolName + ": killed what task " + backendId + " left running: "
                + tree.stream().map(p -> Long.toString(p.pid())).toList());
        awaitGone(List.copyOf(tree), "task " + backendId + " (left behind)");
    }

    /**
     * The running processes of the session a task's wrapper created ({@code setsid} made the wrapper's pid the id of
     * session and process group), the wrapper included if it still runs. Empty if that session cannot be the task's:
     * Linux does not reuse a pid while it names a session or process group, so a running process with that pid other
     * than the wrapper means the task's session is gone and the number belongs to someone else; and a process that
     * started before the wrapper cannot be in a session the wrapper created.
     */
    static List<ProcStat.Entry> leftovers(TaskFolder.Started started) {
        return leftovers(started, 0);
    }

    /** {@link #leftovers(TaskFolder.Started)} among the pids from {@code lowest} up (0: all). */
    static List<ProcStat.Entry> leftovers(TaskFolder.Started started, long lowest) {
        long session = started.pid();
        if (session <= 1 || session == ProcessHandle.current().pid() || !ProcStat.available()) {
            return List.of();
        }
        boolean leaderRuns = ProcessHandle.of(session).map(ProcStat::isRunning).orElse(false);
        if (leaderRuns && liveProcess(started) == null) {
            return List.of();
        }
        List<ProcStat.Entry> members = new ArrayList<>();
        for (ProcStat.Entry entry : ProcStat.inSession(session, lowest - 1, Long.MAX_VALUE)) {
            Instant start = ProcessHandle.of(entry.pid()).flatMap(p -> p.info().startInstant()).orElse(null);
            if (started.processStart() == null || start == null || !start.isBefore(started.processStart())) {
                members.add(entry);
            }
        }
        return members;
    }

    /** Waits until the killed processes are gone (zombies count as gone), at most {@link #KILL_WAIT}. */
    private void awaitGone(List<ProcessHandle> tree, String whose) {
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        while (tree.stream().anyMatch(ProcStat::isRunning)) {
            if (System.nanoTime() > deadline) {
                LOG.warning(() -> "pool " + poolName + ": processes of " + whose + " survived SIGKILL: "
                        + tree.stream().filter(ProcStat::isRunning).map(p -> Long.toString(p.pid())).toList());
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void killGroup(long processGroup) {
        try {
            Process killer = new ProcessBuilder(kill, "-KILL", "--", "-" + processGroup)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!killer.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                killer.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "kill of process group " + processGroup + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- adoption ------------------------------------------------------------------------------------------------

    /**
     * Takes over what an earlier backend on this state folder left: running tasks are watched and hold their
     * slots, queued tasks go back into the queue in their original order, and tasks whose process died without an
     * exit code fail.
     */
    private void adopt() {
        loadIndex();
        record Waiting(long sequence, String backendId) {
        }
        List<Waiting> waiting = new ArrayList<>();
        int adopted = 0;
        try (Stream<Path> dirs = Files.list(tasksDir)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String backendId = dir.getFileName().toString();
                TaskFolder folder = folder(backendId);
                if (folder == null) {
                    continue;
                }
                TaskFolder.Stored stored;
                try {
                    stored = folder.read();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "pool " + poolName + ": unreadable task " + dir + ", skipped", e);
                    continue;
                }
                nextSequence = Math.max(nextSequence, stored.sequence() + 1);
                if (index.putIfAbsent(stored.spec().taskId(), backendId) == null) {
                    writeIndex(stored.spec().taskId(), backendId);
                }
                if (finished(folder) != null) {
                    continue;
                }
                TaskFolder.Started started = folder.started();
                if (started != null) {
                    ProcessHandle process = liveProcess(started);
                    if (process != null) {
                        running.put(backendId, process);
                        watch(backendId, process.onExit());
                        limitTime(backendId, stored.spec().timeLimitSeconds(), started.startedAt());
                        adopted++;
                    } else if (finished(folder) == null) {
                        fail(folder, VANISHED);
                    }
                } else if (folder.isStarting()) {
                    fail(folder, STOPPED_WHILE_STARTING);
                } else {
                    waiting.add(new Waiting(stored.sequence(), backendId));
                }
            }
        } catch (IOException e) {
            throw new ComputeException("cannot read the state folder " + stateDir + ": " + e.getMessage(), e);
        }
        waiting.sort(Comparator.comparingLong(Waiting::sequence));
        waiting.forEach(task -> queue.add(task.backendId()));
        if (adopted > 0 || !waiting.isEmpty()) {
            int adoptedRunning = adopted;
            LOG.info(() -> "local pool " + poolName + " adopted " + adoptedRunning + " running and "
                    + waiting.size() + " queued tasks from " + stateDir);
        }
    }

    /** Index file of a task id: named by the id's SHA-256, holding task id and backend id. */
    private Path indexFile(String taskId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(taskId.getBytes(StandardCharsets.UTF_8));
            return indexDir.resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private void writeIndex(String taskId, String backendId) {
        Path file = indexFile(taskId);
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Properties entry = new Properties();
        entry.setProperty("taskId", taskId);
        entry.setProperty("backendId", backendId);
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                entry.store(out, null);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ComputeException("cannot write the task index in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    private void loadIndex() {
        try (Stream<Path> files = Files.list(indexDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().startsWith(".")) {
                    continue;
                }
                Properties entry = new Properties();
                try (InputStream in = Files.newInputStream(file)) {
                    entry.load(in);
                }
                String taskId = entry.getProperty("taskId");
                String backendId = entry.getProperty("backendId");
                if (taskId != null && backendId != null && folder(backendId) != null) {
                    index.put(taskId, backendId);
                }
            }
        } catch (IOException e) {
            throw new ComputeException("cannot read the task index in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (shutdown) {
            throw new ComputeException("the backend of local pool " + poolName + " is shut down");
        }
    }

    private void release() {
        try {
            stateLock.release();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot release the lock of " + stateDir, e);
        }
        closeQuietly(lockFile);
    }

    /** Rejects what the local backend cannot run faithfully, before anything is recorded. */
    private static void validate(TaskSpec spec) {
        requireAbsolute("workDir", spec.workDir());
        requireAbsolute("stdout", spec.stdout());
        requireAbsolute("stderr", spec.stderr());
        if (spec.stdin() != null) {
            requireAbsolute("stdin", spec.stdin());
        }
        if (spec.imageRequired()) {
            throw new IllegalArgumentException("DockerRequirement is unsupported on a local pool: it runs tools as "
                    + "processes on the host and cannot run image " + spec.image() + "; submit to a pool with containers");
        }
        if (spec.hasContainerPaths()) {
            throw new IllegalArgumentException("a local pool runs tools on the host and cannot place paths inside a "
                    + "container; submit to a pool of kind docker");
        }
        CharsetEncoder encoder = nativeCharset().newEncoder();
        for (String argument : spec.command()) {
            if (argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command argument contains a NUL character");
            }
            requireEncodable(encoder, argument);
        }
        spec.environment().forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name or value: " + name);
            }
            requireEncodable(encoder, name);
            requireEncodable(encoder, value);
        });
    }

    /**
     * The JDK passes arguments and environment to a process in the JVM's native charset; what it cannot encode
     * would silently turn into '?'. Refuse instead.
     */
    private static void requireEncodable(CharsetEncoder encoder, String text) {
        if (!encoder.canEncode(text)) {
            throw new IllegalArgumentException("\"" + text + "\" cannot be passed to a process in the server's charset "
                    + encoder.charset() + "; start the server with a UTF-8 locale (LANG=C.UTF-8)");
        }
    }

    private static Charset nativeCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static void requireAbsolute(String what, String path) {
        if (!Path.of(path).isAbsolute()) {
            throw new IllegalArgumentException(what + " must be an absolute path: " + path);
        }
    }

    /** See {@link #WRAPPER}: how the wrapper must treat PWD. */
    private static String pwdArgument(TaskSpec spec) {
        String pwd = spec.environment().get("PWD");
        return pwd == null ? "-" : "=" + pwd;
    }

    private static File createParents(Path file) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return file.toFile();
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

    private static String firstExecutable(String... candidates) {
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String hostName() {
        try {
            String name = ProcStat.read(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINEST, "no /proc hostname", e);
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot close a lock file", e);
        }
    }

    @Override
    public String toString() {
        return "LocalBackend[" + poolName + ", " + slots + " slots, " + stateDir + "]";
    }
}
