package io.cairn.compute.ra.kubernetes;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Plays Kubernetes' Job controller and kubelet against the mock server, which has none: it waits for the backend to
 * resume a Job, gives it a pod, and ends it with an exit code (writing the output files the pod's wrapper would
 * write on the claim). Every step is idempotent (a pod is created only if absent, and an "already exists" answer
 * counts as done), so a retried request can never fail a test; and every wait is a poll with a deadline.
 */
final class FakeJobController {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String namespace;

    FakeJobController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The Job once it satisfies {@code condition}; fails the test after the deadline. */
    Job awaitJob(String name, String what, Predicate<Job> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Job job = null;
        while (System.nanoTime() < deadline) {
            job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (job != null && condition.test(job)) {
                return job;
            }
            pause();
        }
        return fail("Job " + name + " did not become " + what + " within " + DEADLINE + "; last seen: " + job);
    }

    /** Waits until the backend resumed the Job, then gives it a running pod and counts it active. */
    Job start(String name) {
        Job job = awaitJob(name, "resumed", FakeJobController::isResumed);
        String started = Instant.now().toString();
        ensurePod(job);
        client.pods().inNamespace(namespace).withName(podName(name)).editStatus(pod -> new PodBuilder(pod)
                .editOrNewStatus().withPhase("Running").withContainerStatuses(running(started)).endStatus().build());
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).editStatus(j -> new JobBuilder(j)
                .editOrNewStatus().withActive(1).withStartTime(started).endStatus().build());
    }

    /**
     * Ends a started Job: writes its output files (a null content leaves a file unwritten, as when the wrapper could
     * not open it), gives the pod an exit code, marks the Job Complete or Failed.
     */
    void finish(String name, int exitCode, String stdout, String stderr) {
        Job job = awaitJob(name, "started", j -> j.getStatus() != null && j.getStatus().getActive() != null);
        write(job.getMetadata().getAnnotations().get(JobManifest.ANNOTATION_STDOUT), stdout);
        write(job.getMetadata().getAnnotations().get(JobManifest.ANNOTATION_STDERR), stderr);
        terminate(name, exitCode, exitCode == 137 ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error");
        String now = Instant.now().toString();
        client.batch().v1().jobs().inNamespace(namespace).withName(name).editStatus(j -> exitCode == 0
                ? new JobBuilder(j).editOrNewStatus().withActive(0).withSucceeded(1).withCompletionTime(now)
                        .withConditions(condition("Complete", "Completed", now)).endStatus().build()
                : new JobBuilder(j).editOrNewStatus().withActive(0).withFailed(1)
                        .withConditions(condition("Failed", "BackoffLimitExceeded", now)).endStatus().build());
    }

    /** Fails a started Job as the controller does when activeDeadlineSeconds passed (it kills the pod). */
    void exceedDeadline(String name) {
        Job job = awaitJob(name, "started", j -> j.getStatus() != null && j.getStatus().getActive() != null);
        // the wrapper had opened the output files before the command ran into the deadline
        write(job.getMetadata().getAnnotations().get(JobManifest.ANNOTATION_STDOUT), "");
        write(job.getMetadata().getAnnotations().get(JobManifest.ANNOTATION_STDERR), "");
        terminate(name, 137, "Error");
        String now = Instant.now().toString();
        client.batch().v1().jobs().inNamespace(namespace).withName(name).editStatus(j -> new JobBuilder(j)
                .editOrNewStatus().withActive(0).withFailed(1)
                .withConditions(condition("Failed", "DeadlineExceeded", now)).endStatus().build());
    }

    static String podName(String jobName) {
        return jobName + "-p0";
    }

    static boolean isResumed(Job job) {
        return !Boolean.TRUE.equals(job.getSpec().getSuspend());
    }

    /** Creates the Job's pod unless it exists; an "already exists" answer (a retried request) means it does. */
    private void ensurePod(Job job) {
        String name = podName(job.getMetadata().getName());
        if (client.pods().inNamespace(namespace).withName(name).get() != null) {
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(JobManifest.LABEL_JOB_NAME, job.getMetadata().getName());
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .build();
        try {
            client.pods().inNamespace(namespace).resource(pod).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void terminate(String jobName, int exitCode, String reason) {
        String now = Instant.now().toString();
        client.pods().inNamespace(namespace).withName(podName(jobName)).editStatus(pod -> {
            String started = pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt();
            ContainerStatus status = new ContainerStatusBuilder().withName(JobManifest.CONTAINER).withNewState()
                    .withNewTerminated().withExitCode(exitCode).withReason(reason).withStartedAt(started)
                    .withFinishedAt(now).endTerminated().endState().build();
            return new PodBuilder(pod).editStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                    .withContainerStatuses(status).endStatus().build();
        });
    }

    private static ContainerStatus running(String started) {
        return new ContainerStatusBuilder().withName(JobManifest.CONTAINER).withReady(true).withNewState()
                .withNewRunning().withStartedAt(started).endRunning().endState().build();
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type, String reason,
                                                                                    String now) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
                .withLastTransitionTime(now).withLastProbeTime(now).build();
    }

    private static void write(String file, String content) {
        if (content == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
