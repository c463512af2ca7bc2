package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.ComputeException;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.Backend;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks as {@code batch/v1} Jobs in one namespace of a Kubernetes cluster.
 *
 * <p>The cluster holds the live state. {@link #submit} creates the task's Job at once, <em>suspended</em>, named
 * deterministically after the pool and task id (so a second submit finds it and nothing runs twice) and labelled
 * with the pool and its place in the queue. A suspended Job is a queued task: one poller thread per backend lists
 * the pool's Jobs and resumes suspended ones in submission order while fewer than {@code slots} of them are
 * resumed and unfinished. When a Job has finished (its {@code Complete} or {@code Failed} condition, or the
 * container's exit code in its pod), the backend records the final status in the state folder and only then
 * deletes the Job (propagation Background). So a status keeps answering after the deletion and after a restart,
 * and a new backend on the same namespace and pool name adopts whatever runs or waits, by label.
 *
 * <p>The command's standard streams are files on the pool's PersistentVolumeClaim, which the server sees at the
 * same paths: the pod's fixed {@code /bin/sh} wrapper ({@link JobManifest#REDIRECT}) opens them and replaces itself
 * with the task's program. {@link #logs} reads those files, or the pod's log while they do not exist.
 *
 * <p>When the API server does not answer, submit and cancel fail with a {@link ComputeException} naming it, ping
 * reports the pool down, and status keeps answering the last state seen: a Job keeps running in the cluster while
 * its API server is away, and the poller catches up when it is back.
 */
final class KubernetesBackend implements Backend {

    static final String KIND = "kubernetes";

    private static final Logger LOG = Logger.getLogger(KubernetesBackend.class.getName());
    static final long FAST_POLL_MILLIS = 200;
    static final long SLOW_POLL_MILLIS = 5000;

    /** The pool's configuration as the backend needs it. */
    record Settings(String poolName, int slots, String namespace, String masterUrl, Path tokenFile,
                    Path caCertFile, boolean trustCerts, String claimName, Path mountPath, String defaultImage,
                    Path stateDir, String serviceAccount, String token) {

        /** Settings whose token comes from {@code tokenFile}. */
        Settings(String poolName, int slots, String namespace, String masterUrl, Path tokenFile, Path caCertFile,
                 boolean trustCerts, String claimName, Path mountPath, String defaultImage, Path stateDir,
                 String serviceAccount) {
            this(poolName, slots, namespace, masterUrl, tokenFile, caCertFile, trustCerts, claimName, mountPath,
                    defaultImage, stateDir, serviceAccount, null);
        }

        @Override
        public String toString() {
            // the token is never shown
            return "Settings[pool=" + poolName + ", namespace=" + namespace + ", masterUrl=" + masterUrl + "]";
        }
    }

    private final Settings settings;
    private final KubernetesClient client;
    private final Path finishedDir;
    private final FileChannel lockFile;
    private final FileLock stateLock;
    private final Thread poller;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition wake = lock.newCondition();
    private final Map<String, TaskStatus> lastSeen = new HashMap<>();
    private long lastSequence;
    private int awaiters;
    private boolean pollNow = true;
    private boolean shutdown;

    KubernetesBackend(Settings settings) {
        if (settings.slots() < 1) {
            throw new IllegalArgumentException("a kubernetes pool needs at least 1 slot, not " + settings.slots());
        }
        this.settings = settings;
        Path stateDir = settings.stateDir().toAbsolutePath().normalize();
        this.finishedDir = stateDir.resolve("finished");
        FileChannel channel = null;
        FileLock acquired;
        try {
            Files.createDirectories(finishedDir);
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
            throw new ComputeException("the state folder " + stateDir + " is used by another kubernetes backend");
        }
        this.lockFile = channel;
        this.stateLock = acquired;
        this.client = client(settings);
        poller = new Thread(this::pollLoop, "cairn-kubernetes-" + settings.poolName());
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * A client of exactly the configured API server: no kubeconfig, environment or system property is read, the
     * token comes from its file at each request, and the HTTP client is the JDK's (named here rather than found by
     * a service loader, which a resource adapter's class loader may not see).
     */
    static KubernetesClient client(Settings settings) {
        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withMasterUrl(settings.masterUrl())
                .withNamespace(settings.namespace())
                .withTrustCerts(settings.trustCerts())
                .withOauthTokenProvider(new TokenFile(settings.tokenFile(), settings.token()))
                .withConnectionTimeout(10_000)
                .withRequestTimeout(30_000)
                // two quick retries: a down API server shows in ping within about a second
                .withRequestRetryBackoffLimit(2)
                .withRequestRetryBackoffInterval(250);
        if (settings.caCertFile() != null && Files.isRegularFile(settings.caCertFile())) {
            config.withCaCertFile(settings.caCertFile().toString());
        }
        return new KubernetesClientBuilder().withConfig(config.build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    // ---- the contract ------------------------------------------------------------------------------------------

    @Override
    public String submit(TaskSpec spec) {
        JobManifest.validate(spec, settings.mountPath());
        String name = JobManifest.jobName(settings.poolName(), spec.taskId());
        lock.lock();
        try {
            ensureOpen();
            if (Files.exists(finishedFile(name))) {
                return name;
            }
            Job existing = job(name);
            if (existing != null) {
                requireOwnTask(existing, spec.taskId());
                return name;
            }
            long[] runAs = prepareFolders(spec);
            lastSequence = Math.max(lastSequence + 1, System.currentTimeMillis() * 1000);
            Job job = JobManifest.render(spec, name, new JobManifest.Context(settings.poolName(),
                    settings.claimName(), settings.mountPath(),
                    spec.image() != null ? spec.image() : settings.defaultImage(), settings.serviceAccount(), runAs,
                    lastSequence));
            try {
                jobs().resource(job).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw failure("cannot create Job " + name, e);
                }
                // made meanwhile, or a retried request whose first attempt went through: one Job either way
                Job made = job(name);
                if (made == null) {
                    throw failure("cannot create Job " + name, e);
                }
                requireOwnTask(made, spec.taskId());
            }
            LOG.fine(() -> "pool " + settings.poolName() + ": task " + spec.taskId() + " queued as Job " + name);
            poke();
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
        awaiters++;
        try {
            poke();
            while (true) {
                TaskStatus status = statusLocked(backendId);
                long left = deadline - System.nanoTime();
                if (status.state().isTerminal() || left <= 0 || shutdown) {
                    return status;
                }
                try {
                    changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(FAST_POLL_MILLIS)));
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
     * Reads a task's stdout or stderr file (on the claim, at the same path on the server). While the file does not
     * exist, it reads the pod's log instead (which Kubernetes keeps as one stream of stdout and stderr): there the
     * wrapper's own complaints land, such as a stdin file it cannot open. An unknown id reads as empty.
     */
    @Override
    public LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("offset and maxBytes must not be negative");
        }
        LogChunk empty = new LogChunk(new byte[0], offset);
        if (!JobManifest.isJobName(settings.poolName(), backendId)) {
            return empty;
        }
        String key = stream == LogStream.STDOUT ? "stdout" : "stderr";
        Properties finished = readFinished(backendId);
        if (finished != null) {
            String file = finished.getProperty(key);
            return file == null ? empty : readFile(Path.of(file), offset, maxBytes);
        }
        Job job = job(backendId);
        if (job == null || !isOwn(job)) {
            return empty;
        }
        String file = annotation(job, stream == LogStream.STDOUT ? JobManifest.ANNOTATION_STDOUT
                : JobManifest.ANNOTATION_STDERR);
        if (file != null && Files.isRegularFile(Path.of(file), LinkOption.NOFOLLOW_LINKS)) {
            return readFile(Path.of(file), offset, maxBytes);
        }
        Pod pod = newest(pods(backendId));
        if (pod == null) {
            return empty;
        }
        String log;
        try {
            log = client.pods().inNamespace(settings.namespace()).withName(pod.getMetadata().getName())
                    .inContainer(JobManifest.CONTAINER).getLog();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 400) {
                return empty; // gone, or its container has not started
            }
            throw failure("cannot read the log of pod " + pod.getMetadata().getName(), e);
        }
        byte[] bytes = log == null ? new byte[0] : log.getBytes(StandardCharsets.UTF_8);
        if (offset >= bytes.length) {
            return empty;
        }
        int length = (int) Math.min(maxBytes, bytes.length - offset);
        byte[] data = new byte[length];
        System.arraycopy(bytes, (int) offset, data, 0, length);
        return new LogChunk(data, offset + length);
    }

    /**
     * Cancels a task, queued or running: records it CANCELED, then deletes its Job with propagation Background, so
     * that Kubernetes stops and removes the pod. If the deletion fails, the poller deletes the Job later.
     */
    @Override
    public void cancel(String backendId) {
        lock.lock();
        try {
            ensureOpen();
            if (!JobManifest.isJobName(settings.poolName(), backendId) || Files.exists(finishedFile(backendId))) {
                return;
            }
            Job job = job(backendId);
            if (job == null || !isOwn(job)) {
                return;
            }
            Instant startedAt = job.getStatus() == null ? null : JobStates.instant(job.getStatus().getStartTime());
            record(backendId, job, new TaskStatus(TaskState.CANCELED, null, "canceled", startedAt, Instant.now()));
            delete(backendId);
            LOG.fine(() -> "pool " + settings.poolName() + ": task " + backendId + " canceled");
            poke();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PoolStatus ping() {
        int slots = settings.slots();
        if (isShutdown()) {
            return new PoolStatus(KIND, false, slots, 0, 0,
                    "the backend of pool " + settings.poolName() + " is shut down");
        }
        try {
            int running = 0;
            int queued = 0;
            for (Job job : poolJobs()) {
                TaskState state = JobStates.of(job, null).state();
                if (state == TaskState.QUEUED) {
                    queued++;
                } else if (!state.isTerminal()) {
                    running++;
                }
            }
            return new PoolStatus(KIND, true, slots, running, queued, "namespace " + settings.namespace()
                    + " of the Kubernetes API at " + settings.masterUrl());
        } catch (RuntimeException e) {
            return new PoolStatus(KIND, false, slots, 0, 0, "the Kubernetes API at " + settings.masterUrl()
                    + " does not answer for namespace " + settings.namespace() + ": " + reason(e));
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
            poller.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        try {
            stateLock.release();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot release the state lock", e);
        }
        closeQuietly(lockFile);
        LOG.info(() -> "kubernetes pool " + settings.poolName() + " shut down; its Jobs keep running in namespace "
                + settings.namespace());
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
        if (!JobManifest.isJobName(settings.poolName(), backendId)) {
            return TaskStatus.lost("unknown task " + backendId);
        }
        TaskStatus finished = finishedStatus(backendId);
        if (finished != null) {
            return finished;
        }
        Job job;
        try {
            job = job(backendId);
        } catch (ComputeException e) {
            // the Job runs on while its API server is away: wait for it
            TaskStatus seen = lastSeen.get(backendId);
            LOG.fine(() -> "pool " + settings.poolName() + ": " + e.getMessage());
            return seen != null ? seen : TaskStatus.of(TaskState.QUEUED);
        }
        if (job == null || !isOwn(job)) {
            finished = finishedStatus(backendId);
            return finished != null ? finished : TaskStatus.lost("unknown task " + backendId + ": no Job of pool "
                    + settings.poolName() + " in namespace " + settings.namespace() + " and no recorded result");
        }
        Pod pod = JobStates.isQueued(job) ? null : newest(pods(backendId));
        TaskStatus status = JobStates.of(job, pod);
        if (status.state().isTerminal()) {
            settle(backendId, job, status);
            finished = finishedStatus(backendId);
            return finished != null ? finished : status;
        }
        lastSeen.put(backendId, status);
        return status;
    }

    /** Records the end of a task and deletes its Job; frees the slot. Lock held. */
    private void settle(String name, Job job, TaskStatus status) {
        if (!Files.exists(finishedFile(name))) {
            if (status.state() != TaskState.COMPLETE && status.state() != TaskState.CANCELED) {
                keepPodLog(name, job);
            }
            record(name, job, status);
            if (status.state() == TaskState.SYSTEM_ERROR) {
                LOG.warning(() -> "pool " + settings.poolName() + ": task " + name + " failed: " + status.message());
            }
        }
        lastSeen.remove(name);
        try {
            delete(name);
        } catch (ComputeException e) {
            LOG.log(Level.FINE, "pool " + settings.poolName() + ": Job " + name + " is deleted later", e);
        }
        poke();
        changed.signalAll();
    }

    /**
     * When the wrapper never opened the task's stderr file (its stdin could not be opened, say), the reason is only
     * in the pod's log, which goes with the Job: it is written into the stderr file instead. Best effort.
     */
    private void keepPodLog(String name, Job job) {
        String stderr = annotation(job, JobManifest.ANNOTATION_STDERR);
        if (stderr == null || Files.exists(Path.of(stderr), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Pod pod = newest(pods(name));
            if (pod == null) {
                return;
            }
            String log = client.pods().inNamespace(settings.namespace()).withName(pod.getMetadata().getName())
                    .inContainer(JobManifest.CONTAINER).getLog();
            if (log != null && !log.isEmpty()) {
                Path file = Path.of(stderr);
                Path temporary = file.resolveSibling("." + file.getFileName() + ".cairn-tmp");
                Files.writeString(temporary, log, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "pool " + settings.poolName() + ": cannot keep the pod log of " + name, e);
        }
    }

    // ---- the poller ----------------------------------------------------------------------------------------------

    private void pollLoop() {
        long delay = FAST_POLL_MILLIS;
        while (true) {
            boolean busy;
            String failure = null;
            try {
                busy = reconcile();
            } catch (RuntimeException e) {
                failure = reason(e);
                busy = false;
                String why = failure;
                LOG.fine(() -> "pool " + settings.poolName() + ": the Kubernetes API does not answer: " + why);
            }
            lock.lock();
            try {
                if (shutdown) {
                    return;
                }
                if (failure == null && (busy || awaiters > 0 || pollNow)) {
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

    /**
     * One look at the pool's Jobs (lock held during the calls): settles finished ones, deletes Jobs whose result is
     * recorded already, and resumes suspended ones in submission order while slots are free. Returns whether the
     * pool has unfinished Jobs.
     */
    private boolean reconcile() {
        lock.lock();
        try {
            if (shutdown) {
                return false;
            }
            pollNow = false;
            List<Job> jobs = poolJobs();
            Map<String, Pod> pods = null;
            int running = 0;
            List<Job> queued = new ArrayList<>();
            for (Job job : jobs) {
                String name = job.getMetadata().getName();
                lastSequence = Math.max(lastSequence, sequence(job));
                if (Files.exists(finishedFile(name))) {
                    settle(name, job, finishedStatus(name));
                    continue;
                }
                if (JobStates.isQueued(job)) {
                    queued.add(job);
                    continue;
                }
                if (pods == null) {
                    pods = poolPods();
                }
                TaskStatus status = JobStates.of(job, pods.get(name));
                if (status.state().isTerminal()) {
                    settle(name, job, status);
                } else {
                    running++;
                    if (!status.equals(lastSeen.put(name, status))) {
                        changed.signalAll();
                    }
                }
            }
            queued.sort(Comparator.comparingLong(KubernetesBackend::sequence)
                    .thenComparing(job -> job.getMetadata().getName()));
            for (Job job : queued) {
                if (running >= settings.slots()) {
                    break;
                }
                if (resume(job.getMetadata().getName())) {
                    running++;
                }
            }
            return running > 0 || !queued.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private boolean resume(String name) {
        try {
            jobs().withName(name).edit(job -> new JobBuilder(job).editSpec().withSuspend(false).endSpec().build());
            LOG.fine(() -> "pool " + settings.poolName() + ": Job " + name + " resumed");
            changed.signalAll();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void poke() {
        pollNow = true;
        wake.signalAll();
    }

    // ---- the API server ------------------------------------------------------------------------------------------

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Job, io.fabric8.kubernetes.api.model.batch.v1
            .JobList, io.fabric8.kubernetes.client.dsl.ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(settings.namespace());
    }

    /** The Job of that name, or null. */
    private Job job(String name) {
        try {
            return jobs().withName(name).get();
        } catch (KubernetesClientException e) {
            throw failure("cannot read Job " + name, e);
        }
    }

    private List<Job> poolJobs() {
        try {
            return jobs().withLabel(JobManifest.LABEL_POOL, JobManifest.poolLabel(settings.poolName()))
                    .withLabel(JobManifest.LABEL_MANAGED_BY, JobManifest.MANAGED_BY).list().getItems().stream()
                    .filter(this::isOwn).toList();
        } catch (KubernetesClientException e) {
            throw failure("cannot list the Jobs of pool " + settings.poolName(), e);
        }
    }

    /** The newest pod of each of the pool's Jobs, by Job name. */
    private Map<String, Pod> poolPods() {
        List<Pod> pods;
        try {
            pods = client.pods().inNamespace(settings.namespace())
                    .withLabel(JobManifest.LABEL_POOL, JobManifest.poolLabel(settings.poolName())).list().getItems();
        } catch (KubernetesClientException e) {
            throw failure("cannot list the pods of pool " + settings.poolName(), e);
        }
        Map<String, List<Pod>> byJob = new HashMap<>();
        for (Pod pod : pods) {
            String job = pod.getMetadata().getLabels() == null ? null
                    : pod.getMetadata().getLabels().get(JobManifest.LABEL_JOB_NAME);
            if (job != null) {
                byJob.computeIfAbsent(job, key -> new ArrayList<>()).add(pod);
            }
        }
        Map<String, Pod> newest = new HashMap<>();
        byJob.forEach((job, list) -> newest.put(job, newest(list)));
        return newest;
    }

    private List<Pod> pods(String jobName) {
        try {
            return client.pods().inNamespace(settings.namespace()).withLabel(JobManifest.LABEL_JOB_NAME, jobName)
                    .list().getItems();
        } catch (KubernetesClientException e) {
            throw failure("cannot list the pods of Job " + jobName, e);
        }
    }

    /** With backoffLimit 0 a Job has one pod; should there be more (an evicted one replaced), the newest counts. */
    private static Pod newest(List<Pod> pods) {
        return pods.stream().max(Comparator.comparing((Pod pod) -> String.valueOf(
                pod.getMetadata().getCreationTimestamp())).thenComparing(pod -> pod.getMetadata().getName()))
                .orElse(null);
    }

    /** Deletes a Job with propagation Background; a Job that is gone already is fine. */
    private void delete(String name) {
        try {
            jobs().withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw failure("cannot delete Job " + name, e);
            }
        }
    }

    private boolean isOwn(Job job) {
        return settings.poolName().equals(annotation(job, JobManifest.ANNOTATION_POOL))
                && JobManifest.isJobName(settings.poolName(), job.getMetadata().getName());
    }

    private void requireOwnTask(Job job, String taskId) {
        if (!isOwn(job) || !taskId.equals(annotation(job, JobManifest.ANNOTATION_TASK))) {
            throw new ComputeException("Job " + job.getMetadata().getName() + " exists in namespace "
                    + settings.namespace() + " but is not task " + taskId + " of pool " + settings.poolName());
        }
    }

    private static String annotation(Job job, String key) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static long sequence(Job job) {
        Map<String, String> labels = job.getMetadata().getLabels();
        try {
            return labels == null ? 0 : Long.parseLong(labels.getOrDefault(JobManifest.LABEL_SEQ, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A failed call as a ComputeException: the API server's refusal (its HTTP status and message) or that it does
     * not answer. fabric8's messages name the request and status; they never carry the token.
     */
    private ComputeException failure(String what, KubernetesClientException e) {
        if (e.getCode() > 0) {
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            return new ComputeException(what + ": the Kubernetes API refused (HTTP " + e.getCode() + "): "
                    + message, e);
        }
        return new ComputeException(what + ": the Kubernetes API at " + settings.masterUrl() + " does not answer ("
                + reason(e) + ")", e);
    }

    /** The innermost message of a failure, which names what broke (connection refused, a timeout). */
    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        String own = e.getMessage();
        if (cause == e || message == null) {
            return String.valueOf(own);
        }
        return (own == null ? "" : own + ": ") + cause.getClass().getSimpleName() + ": " + message;
    }

    // ---- folders and records -------------------------------------------------------------------------------------

    /**
     * Makes the work folder and the folders of the output files, which the server sees at the same paths as the
     * pods; returns the work folder's owner, whom the pod runs as, so that outputs belong to the server's user.
     */
    private long[] prepareFolders(TaskSpec spec) {
        try {
            Path workDir = Files.createDirectories(Path.of(spec.workDir()));
            Files.createDirectories(Path.of(spec.stdout()).toAbsolutePath().getParent());
            Files.createDirectories(Path.of(spec.stderr()).toAbsolutePath().getParent());
            try {
                return new long[] {((Number) Files.getAttribute(workDir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                        .longValue(), ((Number) Files.getAttribute(workDir, "unix:gid", LinkOption.NOFOLLOW_LINKS))
                        .longValue()};
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
        } catch (IOException e) {
            throw new ComputeException("cannot prepare the folders of task " + spec.taskId() + " under "
                    + settings.mountPath() + ": " + e.getMessage(), e);
        }
    }

    private Path finishedFile(String name) {
        return finishedDir.resolve(name + ".properties");
    }

    private void record(String name, Job job, TaskStatus status) {
        Properties properties = new Properties();
        setIfPresent(properties, "taskId", annotation(job, JobManifest.ANNOTATION_TASK));
        setIfPresent(properties, "stdout", annotation(job, JobManifest.ANNOTATION_STDOUT));
        setIfPresent(properties, "stderr", annotation(job, JobManifest.ANNOTATION_STDERR));
        properties.setProperty("state", status.state().name());
        setIfPresent(properties, "exitCode", status.exitCode() == null ? null : status.exitCode().toString());
        setIfPresent(properties, "message", status.message());
        setIfPresent(properties, "startedAt", status.startedAt() == null ? null : status.startedAt().toString());
        properties.setProperty("endedAt", (status.endedAt() == null ? Instant.now() : status.endedAt()).toString());
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
                JobStates.instant(finished.getProperty("startedAt")),
                JobStates.instant(finished.getProperty("endedAt")));
    }

    private static void setIfPresent(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
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
            throw new ComputeException("the backend of kubernetes pool " + settings.poolName() + " is shut down");
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
        return "KubernetesBackend[" + settings.poolName() + ", " + settings.slots() + " slots, namespace "
                + settings.namespace() + " at " + settings.masterUrl() + "]";
    }
}
