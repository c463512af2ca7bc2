package io.cairn.compute.ra.kubernetes;

import static io.cairn.compute.ra.kubernetes.KubePool.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes backend against fabric8's mock API server in CRUD mode. The mock runs no controllers, so the test
 * plays the Job controller and kubelet ({@link FakeJobController}). Each test has a namespace of its own. Scenarios:
 * exit code 0 and non-zero; output read from the task's files and, before they exist, from the pod's log; the time
 * limit; idempotent submit; cancel of a running and a queued task, checked on the server (Job gone, deleted with
 * propagation Background); the slot limit and FIFO order; adoption of a running and a queued Job by a new backend;
 * the token sent from its file.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesMockTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path root;

    private String namespace;
    private FakeJobController controller;

    @BeforeEach
    void namespace() {
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
        controller = new FakeJobController(client, namespace);
    }

    private KubePool pool(int slots) {
        return new KubePool(client.getConfiguration().getMasterUrl(), namespace, "pool-a", root, slots);
    }

    private List<Job> jobs() {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    }

    @Test
    void aTaskThatExitsZeroCompletesAndItsJobIsDeletedAfterTheResultIsRecorded() throws Exception {
        TaskSpec spec = task(root, "ok", "/bin/echo", "hello");
        try (KubePool pool = pool(2); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            assertEquals(JobManifest.jobName("pool-a", "ok"), id);
            assertTrue(Files.isDirectory(Path.of(spec.workDir())), "the work folder is made on the claim");
            assertTrue(Files.isDirectory(Path.of(spec.stdout()).getParent()));
            Job job = controller.start(id);
            assertEquals(List.of("/bin/echo", "hello"), job.getSpec().getTemplate().getSpec().getContainers().get(0)
                    .getCommand().subList(7, 9), "the argument list follows the wrapper's four arguments");
            awaitState(connection, id, TaskState.RUNNING);
            controller.finish(id, 0, "hello\n", "");
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals(0, status.exitCode());
            assertNotNull(status.startedAt());
            assertFalse(status.endedAt().isBefore(status.startedAt()));
            awaitTrue("the Job is deleted once settled", () -> jobs().isEmpty());
            assertEquals(status, connection.status(id), "the recorded status answers after the deletion");
            assertEquals("hello\n", new String(connection.logs(id, LogStream.STDOUT, 0, 100).data(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void aNonZeroExitCodeIsAnExecutorErrorWithThatCode() {
        TaskSpec spec = task(root, "bad", "/bin/false");
        try (KubePool pool = pool(2); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            controller.start(id);
            controller.finish(id, 3, "", "it broke\n");
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertEquals(3, status.exitCode());
            assertEquals("it broke\n", new String(connection.logs(id, LogStream.STDERR, 0, 100).data(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void theTimeLimitBecomesActiveDeadlineSecondsAndItsExpiryAnExecutorError() {
        TaskSpec base = task(root, "slow", "/bin/sleep", "100");
        TaskSpec spec = new TaskSpec(base.taskId(), base.command(), base.environment(), base.workDir(), null,
                base.stdout(), base.stderr(), 1, 0, null, false, List.of(), false, 7);
        try (KubePool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            assertEquals(7L, controller.start(id).getSpec().getActiveDeadlineSeconds());
            controller.exceedDeadline(id);
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertNull(status.exitCode());
            assertEquals("killed after the time limit of 7 s", status.message());
        }
    }

    @Test
    void logsComeFromTheTaskFilesWithOffsetsAndFromThePodLogBeforeTheyExist() throws Exception {
        TaskSpec spec = task(root, "talk", "/bin/cat");
        try (KubePool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            assertEquals(0, connection.logs(id, LogStream.STDOUT, 0, 100).data().length, "no pod, no file yet");
            controller.start(id);
            String pod = FakeJobController.podName(id);
            server.expect().get().withPath("/api/v1/namespaces/" + namespace + "/pods/" + pod
                    + "/log?pretty=false&container=task").andReturn(200, "sh: cannot open /in: No such file\n")
                    .always();
            LogChunk fromPod = connection.logs(id, LogStream.STDERR, 4, 100);
            assertEquals("cannot open /in: No such file\n", new String(fromPod.data(), StandardCharsets.UTF_8));
            assertEquals(34, fromPod.nextOffset());

            Files.writeString(Path.of(spec.stdout()), "line 1\nline 2\n");
            LogChunk running = connection.logs(id, LogStream.STDOUT, 7, 3);
            assertEquals("lin", new String(running.data(), StandardCharsets.UTF_8), "the file, once it exists");
            assertEquals(10, running.nextOffset());
            controller.finish(id, 0, "line 1\nline 2\nline 3\n", "");
            assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
            LogChunk tail = connection.logs(id, LogStream.STDOUT, 14, 100);
            assertEquals("line 3\n", new String(tail.data(), StandardCharsets.UTF_8));
            assertEquals(21, tail.nextOffset());
            assertEquals(0, connection.logs("cairn-other-x-0000000000", LogStream.STDOUT, 0, 10).data().length);
        }
    }

    @Test
    void whenTheWrapperCouldNotOpenTheFilesThePodLogIsKeptAsStderr() {
        TaskSpec base = task(root, "nostdin", "/bin/cat");
        TaskSpec spec = new TaskSpec(base.taskId(), base.command(), base.environment(), base.workDir(),
                root.resolve("missing.txt").toString(), base.stdout(), base.stderr(), 1, 0, null);
        try (KubePool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(spec);
            controller.start(id);
            server.expect().get().withPath("/api/v1/namespaces/" + namespace + "/pods/"
                    + FakeJobController.podName(id) + "/log?pretty=false&container=task")
                    .andReturn(200, "sh: can't open " + spec.stdin() + ": no such file\n").always();
            controller.finish(id, 2, null, null);
            TaskStatus status = connection.await(id, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, status.state(), status::toString);
            assertEquals(2, status.exitCode());
            awaitTrue("the Job is deleted", () -> jobs().isEmpty());
            assertEquals("sh: can't open " + spec.stdin() + ": no such file\n", new String(
                    connection.logs(id, LogStream.STDERR, 0, 1000).data(), StandardCharsets.UTF_8));
            assertFalse(Files.exists(Path.of(spec.stdout())), "stdout was never opened");
        }
    }

    @Test
    void submittingATaskIdAgainIsOneJob() {
        TaskSpec first = task(root, "once", "/bin/echo", "1");
        TaskSpec again = task(root, "once", "/bin/echo", "2");
        try (KubePool pool = pool(2); ComputeConnection connection = pool.connect()) {
            String id = connection.submit(first);
            String uid = jobs().get(0).getMetadata().getUid();
            assertEquals(id, connection.submit(again));
            assertEquals(1, jobs().size());
            assertEquals(uid, jobs().get(0).getMetadata().getUid(), "the first Job, not a replacement");
            controller.start(id);
            controller.finish(id, 0, "1\n", "");
            assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
            awaitTrue("the Job is deleted", () -> jobs().isEmpty());
            assertEquals(id, connection.submit(again), "also once the Job is deleted");
            assertTrue(jobs().isEmpty(), "and nothing is created again");
        }
    }

    @Test
    void cancelDeletesTheJobsOfARunningAndAQueuedTaskWithPropagationBackground() throws Exception {
        try (KubePool pool = pool(1); ComputeConnection connection = pool.connect()) {
            String running = connection.submit(task(root, "victim", "/bin/sleep", "300"));
            controller.start(running);
            String queued = connection.submit(task(root, "waiting", "/bin/echo", "never"));
            awaitState(connection, running, TaskState.RUNNING);
            assertEquals(TaskState.QUEUED, connection.status(queued).state());
            assertTrue(job(queued).getSpec().getSuspend(), "the queued task waits as a suspended Job");

            connection.cancel(queued);
            assertEquals(TaskState.CANCELED, connection.status(queued).state());
            assertNull(job(queued), "the server no longer has the queued task's Job");
            connection.cancel(running);
            TaskStatus canceled = connection.status(running);
            assertEquals(TaskState.CANCELED, canceled.state());
            assertNull(canceled.exitCode());
            assertNotNull(canceled.startedAt());
            assertNull(job(running), "the server no longer has the running task's Job");
            List<RecordedRequest> deletes = deletesOf(List.of(running, queued));
            assertEquals(2, deletes.size(), deletes::toString);
            for (RecordedRequest delete : deletes) {
                assertTrue(delete.getUtf8Body().contains("\"propagationPolicy\":\"Background\""),
                        delete.getUtf8Body());
            }
            connection.cancel(running); // nothing to do
            assertEquals(TaskState.CANCELED, connection.status(running).state());
            assertEquals(0, connection.ping().running());
        }
    }

    @Test
    void neverResumesMoreJobsThanSlotsAndResumesInSubmissionOrder() throws Exception {
        try (KubePool pool = pool(2); ComputeConnection connection = pool.connect()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(connection.submit(task(root, "slot" + i, "/bin/true")));
            }
            controller.start(ids.get(0));
            controller.start(ids.get(1));
            PoolStatus ping = connection.ping();
            assertEquals(2, ping.running(), ping::toString);
            assertEquals(2, ping.queued(), ping::toString);
            assertTrue(job(ids.get(2)).getSpec().getSuspend());
            assertTrue(job(ids.get(3)).getSpec().getSuspend());
            assertEquals(TaskState.QUEUED, connection.status(ids.get(3)).state());

            controller.finish(ids.get(0), 0, "", "");
            controller.start(ids.get(2));
            assertTrue(job(ids.get(3)).getSpec().getSuspend(), "the fourth waits while the third runs");
            assertEquals(TaskState.COMPLETE, connection.await(ids.get(0), WAIT).state());
            assertTrue(job(ids.get(3)).getSpec().getSuspend(), "still two running");
            controller.finish(ids.get(1), 0, "", "");
            controller.start(ids.get(3));
            controller.finish(ids.get(2), 0, "", "");
            controller.finish(ids.get(3), 0, "", "");
            for (String id : ids) {
                assertEquals(TaskState.COMPLETE, connection.await(id, WAIT).state());
            }
            assertMostResumedAtOnce(ids, 2);
        }
    }

    @Test
    void aNewBackendOnTheSameStateAdoptsARunningAndAQueuedJob() {
        TaskSpec first = task(root, "adopt", "/bin/sleep", "5");
        TaskSpec second = task(root, "later", "/bin/echo", "2");
        String firstId;
        String secondId;
        String uid;
        try (KubePool pool = pool(1); ComputeConnection connection = pool.connect()) {
            firstId = connection.submit(first);
            secondId = connection.submit(second);
            controller.start(firstId);
            awaitState(connection, firstId, TaskState.RUNNING);
            uid = job(firstId).getMetadata().getUid();
        }
        // the adapter stopped (a redeploy or a crash): the Jobs stay
        assertEquals(2, jobs().size());
        try (KubePool restarted = pool(1); ComputeConnection connection = restarted.connect()) {
            assertEquals(firstId, connection.submit(first), "the same task id finds its Job");
            assertEquals(2, jobs().size(), "no second Job");
            assertEquals(uid, job(firstId).getMetadata().getUid());
            assertEquals(TaskState.RUNNING, connection.status(firstId).state());
            assertEquals(TaskState.QUEUED, connection.status(secondId).state());
            controller.finish(firstId, 0, "done\n", "");
            TaskStatus status = connection.await(firstId, WAIT);
            assertEquals(TaskState.COMPLETE, status.state(), status::toString);
            assertEquals(0, status.exitCode());
            controller.start(secondId);
            controller.finish(secondId, 4, "", "");
            TaskStatus later = connection.await(secondId, WAIT);
            assertEquals(TaskState.EXECUTOR_ERROR, later.state(), later::toString);
            assertEquals(4, later.exitCode());
        }
        try (KubePool again = pool(1); ComputeConnection connection = again.connect()) {
            assertEquals(TaskState.COMPLETE, connection.status(firstId).state(), "results outlive the Jobs");
        }
    }

    @Test
    void sendsTheTokenFromItsFileAndPicksUpARotatedOne() throws Exception {
        try (KubePool pool = pool(1); ComputeConnection connection = pool.connect()) {
            assertTrue(connection.ping().up());
            List<String> before = authorizations();
            assertFalse(before.isEmpty(), "no request reached namespace " + namespace);
            assertEquals(List.of("Bearer " + KubePool.TOKEN), before.stream().distinct().toList(),
                    "every request carries the token file's content");
            Files.writeString(KubePool.tokenFile(root), "rotated-token\n");
            PoolStatus ping = connection.ping();
            assertTrue(ping.up());
            assertFalse(ping.detail().contains("rotated-token"));
            // a poll that read the file just before the rotation may still arrive with the old token
            assertTrue(authorizations().contains("Bearer rotated-token"), "the new token, read at the next request");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private Job job(String name) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    /** The Authorization headers of the requests to this test's namespace since the last drain, in order. */
    private List<String> authorizations() throws InterruptedException {
        List<String> found = new ArrayList<>();
        for (RecordedRequest request : drain()) {
            if (request.getPath().contains("/namespaces/" + namespace + "/")) {
                found.add(String.valueOf(request.getHeader("Authorization")));
            }
        }
        return found;
    }

    private List<RecordedRequest> deletesOf(List<String> names) throws InterruptedException {
        List<RecordedRequest> deletes = new ArrayList<>();
        for (RecordedRequest request : drain()) {
            for (String name : names) {
                if ("DELETE".equals(request.getMethod()) && request.getPath().startsWith(
                        "/apis/batch/v1/namespaces/" + namespace + "/jobs/" + name)) {
                    deletes.add(request);
                }
            }
        }
        return deletes;
    }

    /** Every request the mock recorded since the last drain (of all tests of the class). */
    private static List<RecordedRequest> drain() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request);
        }
        return requests;
    }

    /**
     * Checks from the requests the backend made that no more than {@code most} Jobs were resumed and not yet settled
     * at any time: a resume is a PATCH of the Job itself (the fake controller patches only {@code /status}), the
     * end of a slot the backend's DELETE of the settled Job. (The mock does not record PATCH bodies.)
     */
    private void assertMostResumedAtOnce(List<String> ids, int most) throws InterruptedException {
        int resumed = 0;
        int peak = 0;
        List<String> order = new ArrayList<>();
        for (RecordedRequest request : drain()) {
            for (String id : ids) {
                String path = "/apis/batch/v1/namespaces/" + namespace + "/jobs/" + id;
                String requestPath = request.getPath().split("\\?")[0];
                if ("PATCH".equals(request.getMethod()) && requestPath.equals(path)) {
                    resumed++;
                    order.add(id);
                } else if ("DELETE".equals(request.getMethod()) && requestPath.equals(path)) {
                    resumed--;
                }
            }
            peak = Math.max(peak, resumed);
        }
        assertEquals(ids, order, "resumed once each, in submission order");
        assertEquals(most, peak, "at most " + most + " resumed at once, and that many did run together");
    }

    private static void awaitState(ComputeConnection connection, String id, TaskState state) {
        awaitTrue("task " + id + " becomes " + state, () -> connection.status(id).state() == state);
    }

    private static void awaitTrue(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail("not within " + WAIT + ": " + what);
    }
}
