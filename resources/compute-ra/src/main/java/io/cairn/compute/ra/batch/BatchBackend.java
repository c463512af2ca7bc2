package io.cairn.compute.ra.batch;

import io.cairn.compute.ComputeException;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.Backend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A pool whose tasks run as jobs of a batch scheduler. At most {@code slots} tasks are handed to the scheduler at
 * once; the others wait in a queue kept in the state folder and are submitted in submission order as jobs end, no
 * faster than the configured rate.
 *
 * <p>When more than {@code arrayThreshold} tasks with the same resource requests wait at the head of the queue and
 * the scheduler {@link Scheduler#supportsArrays() supports arrays}, they go out as one job array (one submission)
 * of which at most {@code arrayThrottle} run at once. An array counts against the slots with its throttle (or with
 * its unfinished elements, when fewer); when fewer slots are free than {@code arrayThrottle}, the array gets the
 * free slots as its throttle. It holds at most {@value #ARRAY_WAVES} times its throttle and at most
 * {@value #MAX_ARRAY_SIZE} elements. Each element is its task's own job ({@code ARRAYID_INDEX}) for status, cancel
 * and adoption.
 *
 * <p>Everything the backend knows lives in the state folder ({@link TaskRecord} per task). The job id is written
 * the moment the scheduler returns it, and a marker before the scheduler is called, so a backend created later on
 * the same folder (after a redeploy or a crash) adopts submitted jobs and queued tasks, and finds a job whose
 * submission a crash interrupted by its name instead of submitting it twice. A file lock keeps two backends off one
 * state folder.
 *
 * <p>One thread of the backend's own polls the scheduler: every 200 ms while someone waits or tasks are queued,
 * otherwise with a backoff up to 5 s. (The resource adapter's work manager is meant for short work, and this loop
 * runs as long as the pool.) It looks at all submitted, unfinished jobs in one {@link Scheduler#query} call.
 */
public class BatchBackend implements Backend {

    /**
     * The pool's configuration.
     *
     * @param sharedRoot          when set, the folder under which every path of a task must lie (the folder that the
     *                            scheduler's nodes share with this server); null allows any absolute path
     * @param submitRatePerSecond at most this many submissions per second
     * @param arrayThreshold      more queued tasks than this go out as a job array; 0 for never
     * @param arrayThrottle       elements of an array running at once; 0 for the slots (never more than them)
     * @param containerRuntime    runs the tasks that name an image in it ({@link ApptainerCommand}); null to refuse
     *                            tasks that require an image and run the others on the nodes' hosts
     */
    public record Settings(String poolName, int slots, Path stateDir, Path sharedRoot, double submitRatePerSecond,
                           int arrayThreshold, int arrayThrottle, ApptainerCommand.Runtime containerRuntime) {

        /** Settings without job arrays or containers. */
        public Settings(String poolName, int slots, Path stateDir, Path sharedRoot, double submitRatePerSecond) {
            this(poolName, slots, stateDir, sharedRoot, submitRatePerSecond, 0, 0, null);
        }

        /** Settings without containers. */
        public Settings(String poolName, int slots, Path stateDir, Path sharedRoot, double submitRatePerSecond,
                        int arrayThreshold, int arrayThrottle) {
            this(poolName, slots, stateDir, sharedRoot, submitRatePerSecond, arrayThreshold, arrayThrottle, null);
        }
    }

    /**
     * Most elements in one array (Slurm's default {@code MaxArraySize} is 1001, so indexes 0-1000).
     */
    static final int MAX_ARRAY_SIZE = 1000;
    /** An array holds at most this many times its throttle in elements. */
    static final int ARRAY_WAVES = 8;
    /** Most bytes of task scripts in one array's script (Slurm's default {@code max_script_size} is 4 MB). */
    static final int MAX_ARRAY_SCRIPT_CHARS = 1 << 20;
    static final long FAST_POLL_MILLIS = 200;
    static final long SLOW_POLL_MILLIS = 5000;
    /** How many polls in a row may miss a job before it counts as lost. */
    static final int MISSING_POLLS = 3;
    private static final long CANCEL_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Logger LOG = Logger.getLogger(BatchBackend.class.getName());

    private final Scheduler scheduler;
    private final String poolName;
    private final int slots;
    private final Path stateDir;
    private final Path tasksDir;
    private final Path sharedRoot;
    private final long submitIntervalNanos;
    private final int arrayThreshold;
    private final int arrayThrottle;
    private final ApptainerCommand.Runtime containerRuntime;
    private final FileChannel lockFile;
    private final FileLock stateLock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a task's state may have changed. */
    private final Condition changed = lock.newCondition();
    /** Signalled to make the poller look now. */
    private final Condition wake = lock.newCondition();
    private final Map<String, String> index = new HashMap<>();
    private final Deque<String> queue = new ArrayDeque<>();
    /** Queued tasks whose earlier submission may have reached the scheduler: looked up by name first. */
    private final Set<String> uncertain = new HashSet<>();
    private final Set<String> submitting = new HashSet<>();
    /** Submitted, unfinished tasks: backend id to job id. */
    private final Map<String, String> active = new LinkedHashMap<>();
    private final Map<String, TaskStatus> lastSeen = new HashMap<>();
    private final Map<String, Integer> missing = new HashMap<>();
    private final Map<String, Long> cancelSentAt = new HashMap<>();
    /** The resource requests of queued tasks, by backend id: only tasks alike go into one array. */
    private final Map<String, String> shapes = new HashMap<>();
    /** Submitted array elements (or being submitted): backend id to place in its array. */
    private final Map<String, TaskRecord.ArrayPlace> arrayOf = new HashMap<>();
    /** Slots held by submissions under way: 1 per job, the throttle per array. */
    private int submittingSlots;
    private final Thread poller;
    private long nextSequence;
    private long lastSubmitNanos;
    private int awaiters;
    private boolean pollNow;
    private String unavailable;
    private boolean shutdown;

    public BatchBackend(Scheduler scheduler, Settings settings) {
        if (settings.slots() < 1) {
            throw new IllegalArgumentException("a " + scheduler.kind() + " pool needs at least 1 slot, not "
                    + settings.slots());
        }
        if (!(settings.submitRatePerSecond() > 0)) {
            throw new IllegalArgumentException("submitRatePerSecond must be positive, not "
                    + settings.submitRatePerSecond());
        }
        this.scheduler = scheduler;
        this.poolName = settings.poolName();
        this.slots = settings.slots();
        this.stateDir = settings.stateDir().toAbsolutePath().normalize();
        this.tasksDir = stateDir.resolve("tasks");
        this.sharedRoot = settings.sharedRoot() == null ? null : settings.sharedRoot().toAbsolutePath().normalize();
        this.submitIntervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / settings.submitRatePerSecond());
        if (settings.arrayThreshold() < 0 || settings.arrayThrottle() < 0) {
            throw new IllegalArgumentException("arrayThreshold and arrayThrottle must not be negative");
        }
        this.containerRuntime = settings.containerRuntime();
        this.arrayThreshold = settings.arrayThreshold();
        this.arrayThrottle = settings.arrayThrottle() == 0 ? slots : Math.min(settings.arrayThrottle(), slots);
        FileChannel channel = null;
        FileLock acquired;
        try {
            Files.createDirectories(tasksDir);
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
            throw new ComputeException("the state folder " + stateDir + " is used by another "
                    + scheduler.kind() + " backend");
        }
        this.lockFile = channel;
        this.stateLock = acquired;
        try {
            adopt();
        } catch (IOException | RuntimeException e) {
            release();
            throw new ComputeException("cannot read the state folder " + stateDir + ": " + e.getMessage(), e);
        }
        poller = new Thread(this::pollLoop, "cairn-" + scheduler.kind() + "-" + poolName);
        poller.setDaemon(true);
        poller.start();
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
            TaskRecord record = record(id);
            try {
                record.create(spec, nextSequence++, Instant.now());
            } catch (IOException e) {
                throw new ComputeException("cannot record task " + spec.taskId() + " in " + stateDir + ": "
                        + e.getMessage(), e);
            }
            index.put(spec.taskId(), id);
            queue.addLast(id);
            shapes.put(id, shape(spec));
            LOG.fine(() -> "pool " + poolName + ": task " + spec.taskId() + " queued as " + id);
            pokePoller();
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
        awaiters++;
        try {
            pokePoller();
            while (true) {
                TaskStatus status = statusLocked(backendId);
                long left = deadline - System.nanoTime();
                if (status.state().isTerminal() || left <= 0 || shutdown) {
                    return status;
                }
                try {
                    changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return statusLocked(backendId);
                }
            }
        } finally {
            awaiters--;
            lock.unlock();
        }
    }

    /**
     * Waits for the first end among these tasks as {@link #await} does for one (the poller signals every change),
     * then gives the status of each. Tasks that are queued or submitted and not canceled are answered from memory.
     */
    @Override
    public Map<String, TaskStatus> awaitAny(Collection<String> backendIds, Duration timeout) {
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        lock.lock();
        awaiters++;
        try {
            pokePoller();
            while (true) {
                Set<String> queued = new HashSet<>(queue);
                Map<String, TaskStatus> statuses = new LinkedHashMap<>();
                boolean ended = false;
                for (String backendId : backendIds) {
                    TaskStatus status;
                    if (queued.contains(backendId)) {
                        status = TaskStatus.of(TaskState.QUEUED);
                    } else if (active.containsKey(backendId) && !cancelSentAt.containsKey(backendId)) {
                        status = lastSeen.getOrDefault(backendId, TaskStatus.of(TaskState.QUEUED));
                    } else {
                        status = statusLocked(backendId);
                    }
                    statuses.put(backendId, status);
                    ended |= status.state().isTerminal();
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0 || shutdown || backendIds.isEmpty()) {
                    return statuses;
                }
                try {
                    changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return statuses;
                }
            }
        } finally {
            awaiters--;
            lock.unlock();
        }
    }

    /**
     * Reads a task's log from the shared file system, as {@link io.cairn.compute.ComputeConnection#logs} says. An
     * unknown id, a missing file, or one that is not a regular file (a link is never followed) reads as empty.
     */
    @Override
    public LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("offset and maxBytes must not be negative");
        }
        TaskSpec spec;
        lock.lock();
        try {
            TaskRecord record = known(backendId);
            if (record == null) {
                return new LogChunk(new byte[0], offset);
            }
            spec = record.read().spec();
        } catch (IOException e) {
            throw new ComputeException("cannot read task " + backendId + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        Path file = Path.of(stream == LogStream.STDOUT ? spec.stdout() : spec.stderr());
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new LogChunk(new byte[0], offset);
        }
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
                return new LogChunk(new byte[0], offset);
            }
            throw new ComputeException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ComputeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cancels a task. A queued one is canceled at once; a submitted one is canceled on the scheduler, and its state
     * is CANCELING until the scheduler reports the job ended (then CANCELED). If the scheduler cannot be reached, the
     * poller sends the cancel again.
     */
    @Override
    public void cancel(String backendId) {
        String jobId;
        lock.lock();
        try {
            ensureOpen();
            TaskRecord record = known(backendId);
            if (record == null || record.finalStatus() != null) {
                return;
            }
            Instant now = Instant.now();
            try {
                record.markCanceled(now);
                if (queue.remove(backendId)) {
                    uncertain.remove(backendId);
                    shapes.remove(backendId);
                    record.recordFinal(new TaskStatus(TaskState.CANCELED, null, "canceled before it was submitted",
                            null, now));
                    changed.signalAll();
                    return;
                }
            } catch (IOException e) {
                throw new ComputeException("cannot cancel task " + backendId + ": " + e.getMessage(), e);
            }
            jobId = active.get(backendId);
            if (jobId == null) {
                return; // being submitted: the poller cancels the job once it has its id
            }
            cancelSentAt.put(backendId, System.nanoTime());
            changed.signalAll();
            pokePoller();
        } finally {
            lock.unlock();
        }
        try {
            scheduler.cancel(jobId);
        } catch (SchedulerUnavailableException e) {
            LOG.log(Level.FINE, "pool " + poolName + ": cancel of job " + jobId + " will be retried", e);
        }
    }

    @Override
    public PoolStatus ping() {
        int running;
        int queued;
        lock.lock();
        try {
            if (shutdown) {
                return new PoolStatus(scheduler.kind(), false, slots, 0, 0,
                        "the backend of pool " + poolName + " is shut down");
            }
            running = active.size() + submitting.size();
            queued = queue.size();
        } finally {
            lock.unlock();
        }
        try {
            return new PoolStatus(scheduler.kind(), true, slots, running, queued, scheduler.describe());
        } catch (RuntimeException e) {
            return new PoolStatus(scheduler.kind(), false, slots, running, queued, String.valueOf(e.getMessage()));
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
            wake.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            poller.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
        try {
            scheduler.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing the " + scheduler.kind() + " client of pool " + poolName, e);
        }
        LOG.info(() -> scheduler.kind() + " pool " + poolName + " shut down; its jobs keep running and stay in "
                + stateDir);
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

    /** The scheduler's job id of a task, once submitted; for tests and diagnostics. */
    public String jobId(String backendId) {
        lock.lock();
        try {
            TaskRecord record = known(backendId);
            return record == null ? null : record.jobId();
        } finally {
            lock.unlock();
        }
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    private TaskStatus statusLocked(String backendId) {
        TaskRecord record = known(backendId);
        if (record == null) {
            return TaskStatus.lost("unknown task " + backendId);
        }
        TaskStatus done = record.finalStatus();
        if (done != null) {
            return done;
        }
        TaskStatus seen = lastSeen.get(backendId);
        if (record.canceledAt() != null) {
            return new TaskStatus(TaskState.CANCELING, null, "canceled", seen == null ? null : seen.startedAt(), null);
        }
        return seen != null ? seen : TaskStatus.of(TaskState.QUEUED);
    }

    /** Reads the state folder: submitted jobs become active, the rest queues in its old order. */
    private void adopt() throws IOException {
        List<Object[]> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(tasksDir)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String id = dir.getFileName().toString();
                TaskRecord record = known(id);
                if (record == null) {
                    continue;
                }
                TaskRecord.Stored stored = record.read();
                found.add(new Object[] {record, stored});
            }
        }
        found.sort(Comparator.comparingLong(entry -> ((TaskRecord.Stored) entry[1]).sequence()));
        int adopted = 0;
        for (Object[] entry : found) {
            TaskRecord record = (TaskRecord) entry[0];
            TaskRecord.Stored stored = (TaskRecord.Stored) entry[1];
            String id = record.backendId();
            index.put(stored.spec().taskId(), id);
            nextSequence = Math.max(nextSequence, stored.sequence() + 1);
            if (record.finalStatus() != null) {
                continue;
            }
            String jobId = record.jobId();
            TaskRecord.ArrayPlace place = record.arrayPlace();
            if (jobId != null) {
                active.put(id, jobId);
                if (place != null) {
                    arrayOf.put(id, place);
                }
                adopted++;
            } else if (record.canceledAt() != null && !record.isSubmitting()) {
                record.recordFinal(new TaskStatus(TaskState.CANCELED, null, "canceled before it was submitted",
                        null, record.canceledAt()));
            } else {
                queue.addLast(id);
                shapes.put(id, shape(stored.spec()));
                if (record.isSubmitting()) {
                    uncertain.add(id);
                }
            }
        }
        if (adopted > 0 || !queue.isEmpty()) {
            int jobs = adopted;
            LOG.info(() -> "pool " + poolName + ": adopted " + jobs + " submitted jobs and " + queue.size()
                    + " queued tasks from " + stateDir);
        }
    }

    // ---- the poller ----------------------------------------------------------------------------------------------

    private void pollLoop() {
        long delay = FAST_POLL_MILLIS;
        while (true) {
            boolean busy;
            try {
                dispatch();
                busy = poll();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pool " + poolName + ": polling the " + scheduler.kind() + " scheduler failed",
                        e);
                busy = false;
            }
            lock.lock();
            try {
                if (shutdown) {
                    return;
                }
                if (busy || awaiters > 0 || pollNow || !queue.isEmpty() && usage() < slots) {
                    delay = FAST_POLL_MILLIS;
                } else {
                    delay = Math.min(SLOW_POLL_MILLIS, delay * 2);
                }
                if (!pollNow) {
                    wake.await(delay, TimeUnit.MILLISECONDS);
                }
                pollNow = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void pokePoller() {
        pollNow = true;
        wake.signalAll();
    }

    /** Submits queued tasks, oldest first, while slots are free and the rate allows: as arrays when many wait. */
    private void dispatch() {
        while (true) {
            String id;
            boolean lookUp;
            TaskRecord record;
            List<String> batch;
            int throttle = 0;
            lock.lock();
            try {
                if (shutdown || queue.isEmpty()) {
                    return;
                }
                int free = slots - usage();
                if (free < 1) {
                    return;
                }
                batch = arrayBatch(Math.min(arrayThrottle, free));
                if (batch != null) {
                    throttle = Math.min(Math.min(arrayThrottle, free), batch.size());
                }
                long wait = lastSubmitNanos + submitIntervalNanos - System.nanoTime();
                if (lastSubmitNanos != 0 && wait > 0) {
                    wake.awaitNanos(wait);
                    continue;
                }
                lastSubmitNanos = System.nanoTime();
                if (batch != null) {
                    for (String member : batch) {
                        queue.pollFirst();
                        submitting.add(member);
                    }
                    submittingSlots += throttle;
                    id = null;
                    lookUp = false;
                    record = null;
                } else {
                    id = queue.pollFirst();
                    lookUp = uncertain.remove(id);
                    submitting.add(id);
                    submittingSlots++;
                    record = record(id);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (batch != null) {
                submitArray(batch, throttle);
                continue;
            }
            String jobId = null;
            String failure = null;
            boolean retry = false;
            try {
                TaskSpec spec = record.read().spec();
                if (lookUp) {
                    TaskRecord.ArrayPlace place = record.arrayPlace();
                    jobId = scheduler.findByName(record.jobName()).orElse(null);
                    if (jobId != null && place != null) {
                        jobId = scheduler.arrayElement(jobId, place.index());
                        arrayPlaced(id, place);
                    }
                    if (jobId != null) {
                        String found = jobId;
                        LOG.info(() -> "pool " + poolName + ": task " + id + " had been submitted as job " + found
                                + " before a restart; adopted");
                    }
                }
                if (jobId == null) {
                    String script = JobScript.render(spec, "task " + spec.taskId(), containerRuntime);
                    record.clearArray();
                    record.writeScript(script);
                    record.markSubmitting();
                    jobId = scheduler.submit(spec, record.jobName(), script);
                }
                record.recordJob(jobId);
            } catch (SchedulerUnavailableException e) {
                retry = true;
                failure = e.getMessage();
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage();
                if (jobId != null) {
                    // the job runs but its id could not be written: keep watching it in memory
                    LOG.log(Level.WARNING, "pool " + poolName + ": cannot record job " + jobId + " of task " + id, e);
                    failure = null;
                }
            }
            lock.lock();
            try {
                submitting.remove(id);
                submittingSlots--;
                if (retry) {
                    queue.addFirst(id);
                    uncertain.add(id);
                    unavailable = failure;
                    String reason = failure;
                    LOG.fine(() -> "pool " + poolName + ": scheduler unavailable, task " + id + " stays queued: "
                            + reason);
                    return;
                }
                if (jobId == null) {
                    finish(id, new TaskStatus(TaskState.SYSTEM_ERROR, null,
                            "the " + scheduler.kind() + " scheduler refused the job: " + failure, null, Instant.now()));
                    continue;
                }
                unavailable = null;
                active.put(id, jobId);
                String submitted = jobId;
                LOG.fine(() -> "pool " + poolName + ": task " + id + " submitted as job " + submitted);
                if (record.canceledAt() != null) {
                    cancelSentAt.put(id, 0L);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The tasks at the head of the queue that go out as one array, or null for none: more than arrayThreshold
     * tasks with the same resource requests, none of which may have been submitted before, and at most
     * {@value #ARRAY_WAVES} times the throttle, so that an array throttled to the few slots free at the moment does
     * not take the whole queue. Call with the lock held.
     */
    private List<String> arrayBatch(int throttle) {
        int most = Math.min(MAX_ARRAY_SIZE, throttle * ARRAY_WAVES);
        if (arrayThreshold <= 0 || queue.size() <= arrayThreshold || !scheduler.supportsArrays()) {
            return null;
        }
        List<String> batch = new ArrayList<>();
        String first = null;
        for (String id : queue) {
            String shape = shapes.get(id);
            if (uncertain.contains(id) || shape == null || first != null && !first.equals(shape)) {
                break;
            }
            first = shape;
            batch.add(id);
            if (batch.size() == most) {
                break;
            }
        }
        return batch.size() > arrayThreshold ? batch : null;
    }

    /** Submits these tasks (taken from the head of the queue) as one job array. */
    private void submitArray(List<String> batch, int throttle) {
        List<TaskRecord> records = new ArrayList<>();
        List<String> scripts = new ArrayList<>();
        TaskSpec first = null;
        String failure = null;
        boolean retry = false;
        String arrayJobId = null;
        int chars = 0;
        try {
            for (String id : batch) {
                TaskRecord record = record(id);
                TaskSpec spec = record.read().spec();
                String script = JobScript.render(spec, "task " + spec.taskId(), containerRuntime);
                if (!scripts.isEmpty() && chars + script.length() > MAX_ARRAY_SCRIPT_CHARS) {
                    break;
                }
                chars += script.length();
                first = first == null ? spec : first;
                record.writeScript(script);
                records.add(record);
                scripts.add(script);
            }
            String name = "cairn-array-" + UUID.randomUUID();
            for (int i = 0; i < records.size(); i++) {
                records.get(i).markArray(new TaskRecord.ArrayPlace(name, i, throttle));
                records.get(i).markSubmitting();
            }
            arrayJobId = scheduler.submitArray(first, name, scripts, Math.min(throttle, scripts.size()));
            for (int i = 0; i < records.size(); i++) {
                try {
                    records.get(i).recordJob(scheduler.arrayElement(arrayJobId, i));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "pool " + poolName + ": cannot record job " + arrayJobId + " element " + i,
                            e);
                }
            }
        } catch (SchedulerUnavailableException e) {
            retry = true;
            failure = e.getMessage();
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage();
        }
        lock.lock();
        try {
            submittingSlots -= throttle;
            batch.forEach(submitting::remove);
            int sent = arrayJobId == null ? 0 : records.size();
            // tasks left out (the script grew too long) or to be retried go back to the head, in order
            for (int i = batch.size() - 1; i >= sent; i--) {
                String id = batch.get(i);
                if (retry || i >= records.size()) {
                    queue.addFirst(id);
                    if (retry && i < records.size()) {
                        uncertain.add(id);
                    }
                }
            }
            if (retry) {
                unavailable = failure;
                String reason = failure;
                LOG.fine(() -> "pool " + poolName + ": scheduler unavailable, " + batch.size()
                        + " tasks stay queued: " + reason);
                return;
            }
            if (arrayJobId == null) {
                for (int i = 0; i < records.size(); i++) {
                    finish(batch.get(i), new TaskStatus(TaskState.SYSTEM_ERROR, null, "the " + scheduler.kind()
                            + " scheduler refused the job array: " + failure, null, Instant.now()));
                }
                return;
            }
            unavailable = null;
            for (int i = 0; i < sent; i++) {
                String id = batch.get(i);
                active.put(id, scheduler.arrayElement(arrayJobId, i));
                arrayPlaced(id, records.get(i).arrayPlace());
                shapes.remove(id);
                if (records.get(i).canceledAt() != null) {
                    cancelSentAt.put(id, 0L);
                }
            }
            String submitted = arrayJobId;
            LOG.fine(() -> "pool " + poolName + ": " + sent + " tasks submitted as job array " + submitted);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void arrayPlaced(String id, TaskRecord.ArrayPlace place) {
        lock.lock();
        try {
            if (place != null) {
                arrayOf.put(id, place);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Slots in use: one per submitted job, and per array the smaller of its throttle and its unfinished elements.
     * Call with the lock held.
     */
    private int usage() {
        int used = submittingSlots;
        Map<String, Integer> elements = new HashMap<>();
        Map<String, Integer> throttles = new HashMap<>();
        for (String id : active.keySet()) {
            TaskRecord.ArrayPlace place = arrayOf.get(id);
            if (place == null) {
                used++;
            } else {
                elements.merge(place.jobName(), 1, Integer::sum);
                throttles.put(place.jobName(), place.throttle());
            }
        }
        for (Map.Entry<String, Integer> array : elements.entrySet()) {
            used += Math.min(array.getValue(), throttles.get(array.getKey()));
        }
        return used;
    }

    /** What must match for tasks to share one array: the resource requests that become scheduler options. */
    private static String shape(TaskSpec spec) {
        return spec.cores() + "/" + spec.memoryMb() + "/" + spec.timeLimitSeconds();
    }

    /** Asks the scheduler about every active job; returns whether any task changed. */
    private boolean poll() {
        Map<String, String> jobs;
        lock.lock();
        try {
            if (active.isEmpty()) {
                return false;
            }
            jobs = new LinkedHashMap<>(active);
        } finally {
            lock.unlock();
        }
        Map<String, String> names = new LinkedHashMap<>();
        jobs.forEach((id, jobId) -> names.put(jobId, record(id).jobName()));
        Map<String, SchedulerJob> answer;
        try {
            answer = scheduler.query(names);
        } catch (SchedulerUnavailableException e) {
            lock.lock();
            try {
                unavailable = e.getMessage();
            } finally {
                lock.unlock();
            }
            LOG.fine(() -> "pool " + poolName + ": scheduler unavailable: " + e.getMessage());
            return false;
        }
        List<String> toCancel = new ArrayList<>();
        boolean any = false;
        lock.lock();
        try {
            unavailable = null;
            for (Map.Entry<String, String> entry : jobs.entrySet()) {
                String id = entry.getKey();
                String jobId = entry.getValue();
                if (!jobId.equals(active.get(id))) {
                    continue;
                }
                SchedulerJob job = answer.get(jobId);
                if (job == null) {
                    int misses = missing.merge(id, 1, Integer::sum);
                    if (misses >= MISSING_POLLS) {
                        finish(id, new TaskStatus(record(id).canceledAt() != null ? TaskState.CANCELED
                                : TaskState.SYSTEM_ERROR, null, "the " + scheduler.kind()
                                + " scheduler no longer knows job " + jobId, null, Instant.now()));
                        any = true;
                    }
                    continue;
                }
                missing.remove(id);
                TaskStatus status = job.toStatus();
                TaskRecord record = record(id);
                Instant canceled = record.canceledAt();
                if (canceled != null) {
                    if (status.state().isTerminal()) {
                        status = new TaskStatus(TaskState.CANCELED, null, "canceled", status.startedAt(),
                                status.endedAt());
                    } else {
                        Long sent = cancelSentAt.get(id);
                        if (sent == null || System.nanoTime() - sent > CANCEL_RETRY_NANOS || sent == 0L) {
                            cancelSentAt.put(id, System.nanoTime());
                            toCancel.add(jobId);
                        }
                    }
                }
                if (status.state().isTerminal()) {
                    finish(id, status);
                    any = true;
                } else if (!status.equals(lastSeen.put(id, status))) {
                    any = true;
                    changed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        for (String jobId : toCancel) {
            try {
                scheduler.cancel(jobId);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "pool " + poolName + ": cancel of job " + jobId + " failed; retried later", e);
            }
        }
        return any;
    }

    /** Records a terminal status and frees the task's slot. Call with the lock held. */
    private void finish(String id, TaskStatus status) {
        try {
            record(id).recordFinal(status);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "pool " + poolName + ": cannot record the end of task " + id, e);
        }
        active.remove(id);
        arrayOf.remove(id);
        shapes.remove(id);
        lastSeen.remove(id);
        missing.remove(id);
        cancelSentAt.remove(id);
        if (status.state() == TaskState.SYSTEM_ERROR) {
            LOG.warning(() -> "pool " + poolName + ": task " + id + " failed: " + status.message());
        }
        changed.signalAll();
        pokePoller();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private TaskRecord record(String backendId) {
        return new TaskRecord(tasksDir, backendId);
    }

    /** The record of a known task, or null; rejects anything but a backend-made id. */
    private TaskRecord known(String backendId) {
        try {
            if (!UUID.fromString(backendId).toString().equals(backendId)) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        TaskRecord record = record(backendId);
        return record.exists() ? record : null;
    }

    private void validate(TaskSpec spec) {
        if (spec.imageRequired() && containerRuntime == null) {
            throw new IllegalArgumentException("pool " + poolName + " runs tools as " + scheduler.kind()
                    + " jobs on the nodes' hosts and cannot run image " + spec.image()
                    + "; submit to a pool with containers (or set its containerRuntime)");
        }
        if (spec.hasContainerPaths()) {
            throw new IllegalArgumentException("pool " + poolName + " binds a task's folders only at their own paths;"
                    + " it cannot place the output folder at " + spec.containerWorkDir() + " nor mount files elsewhere"
                    + " in the container (DockerRequirement.dockerOutputDirectory, an absolute InitialWorkDir"
                    + " entryname); submit to a pool of kind docker");
        }
        JobScript.validate(spec);
        if (containerRuntime != null && spec.image() != null) {
            ApptainerCommand.validate(spec);
            for (String input : spec.readOnlyPaths()) {
                if (sharedRoot != null) {
                    requireShared("input", input);
                }
            }
        }
        if (sharedRoot != null) {
            requireShared("workDir", spec.workDir());
            requireShared("stdout", spec.stdout());
            requireShared("stderr", spec.stderr());
            if (spec.stdin() != null) {
                requireShared("stdin", spec.stdin());
            }
        }
    }

    private void requireShared(String what, String path) {
        if (!Path.of(path).normalize().startsWith(sharedRoot)) {
            throw new IllegalArgumentException(what + " " + path + " is not under the folder " + sharedRoot
                    + " that pool " + poolName + " shares with its nodes");
        }
    }

    private void ensureOpen() {
        if (shutdown) {
            throw new IllegalStateException("the backend of pool " + poolName + " is shut down");
        }
    }

    private void release() {
        try {
            stateLock.release();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot release the state lock", e);
        }
        closeQuietly(lockFile);
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
        return "BatchBackend[" + scheduler.kind() + ", " + poolName + ", " + slots + " slots, " + stateDir + "]";
    }

    /** Why the scheduler could not be reached at the last attempt, or null; for diagnostics. */
    String unavailable() {
        lock.lock();
        try {
            return unavailable;
        } finally {
            lock.unlock();
        }
    }
}
