package io.cairn.compute.ra.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a Job's status and its pod's container state map to task states, without a server. */
class KubernetesJobStatesTest {

    private static final String T0 = "2026-01-02T03:04:05Z";
    private static final String T1 = "2026-01-02T03:04:09Z";

    private static JobBuilder job(boolean suspended) {
        return new JobBuilder().withNewMetadata().withName("j").endMetadata().withNewSpec().withSuspend(suspended)
                .withActiveDeadlineSeconds(60L).endSpec();
    }

    private static Job failed(String reason) {
        return job(false).withNewStatus().withFailed(1).withStartTime(T0).addNewCondition().withType("Failed")
                .withStatus("True").withReason(reason).withMessage("m").withLastTransitionTime(T1).endCondition()
                .endStatus().build();
    }

    private static Pod terminated(int exitCode, String reason) {
        return pod(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
                .withStartedAt(T0).withFinishedAt(T1).endTerminated().build());
    }

    private static Pod pod(io.fabric8.kubernetes.api.model.ContainerState state) {
        return new PodBuilder().withNewStatus().addNewContainerStatus().withName(JobManifest.CONTAINER)
                .withState(state).endContainerStatus().endStatus().build();
    }

    @Test
    void suspendedIsQueuedResumedIsInitializingUntilTheContainerRuns() {
        assertEquals(TaskState.QUEUED, JobStates.of(job(true).build(), null).state());
        assertEquals(TaskState.INITIALIZING, JobStates.of(job(false).build(), null).state());
        Job active = job(false).withNewStatus().withActive(1).withStartTime(T0).endStatus().build();
        assertEquals(TaskState.INITIALIZING, JobStates.of(active, pod(new ContainerStateBuilder().withNewWaiting()
                .withReason("ContainerCreating").endWaiting().build())).state());
        TaskStatus running = JobStates.of(active, pod(new ContainerStateBuilder().withNewRunning().withStartedAt(T1)
                .endRunning().build()));
        assertEquals(TaskState.RUNNING, running.state());
        assertEquals(Instant.parse(T1), running.startedAt());
        Job suspendedButActive = job(true).withNewStatus().withActive(1).endStatus().build();
        assertTrue(JobStates.of(suspendedButActive, null).state() != TaskState.QUEUED,
                "a Job suspended while its pod still runs holds a slot");
    }

    @Test
    void completeTakesTheExitCodeAndTimesOfTheContainer() {
        Job complete = job(false).withNewStatus().withSucceeded(1).withStartTime(T0).withCompletionTime(T1)
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build();
        TaskStatus status = JobStates.of(complete, terminated(0, "Completed"));
        assertEquals(new TaskStatus(TaskState.COMPLETE, 0, null, Instant.parse(T0), Instant.parse(T1)), status);
        assertEquals(0, JobStates.of(complete, null).exitCode(), "the pod may be gone: Complete means 0");
    }

    @Test
    void failedWithAnExitCodeIsAnExecutorError() {
        TaskStatus status = JobStates.of(failed("BackoffLimitExceeded"), terminated(2, "Error"));
        assertEquals(TaskState.EXECUTOR_ERROR, status.state());
        assertEquals(2, status.exitCode());
        assertEquals(Instant.parse(T1), status.endedAt());
        TaskStatus oom = JobStates.of(failed("BackoffLimitExceeded"), terminated(137, "OOMKilled"));
        assertEquals("killed for exceeding its memory limit", oom.message());
    }

    @Test
    void theDeadlineIsTheTimeLimit() {
        TaskStatus status = JobStates.of(failed("DeadlineExceeded"), terminated(137, "Error"));
        assertEquals(TaskState.EXECUTOR_ERROR, status.state());
        assertNull(status.exitCode());
        assertEquals("killed after the time limit of 60 s", status.message());
    }

    @Test
    void failedWithoutAnExitCodeOrAnUnrunnablePodIsASystemError() {
        TaskStatus status = JobStates.of(failed("PodFailurePolicy"), null);
        assertEquals(TaskState.SYSTEM_ERROR, status.state());
        assertEquals("the Job failed: PodFailurePolicy (m)", status.message());
        TaskStatus noShell = JobStates.of(failed("BackoffLimitExceeded"), terminated(128, "StartError"));
        assertEquals(TaskState.SYSTEM_ERROR, noShell.state(), "the runtime's exit code is not the command's");
        assertNull(noShell.exitCode());
        assertEquals("the container could not start: StartError", noShell.message());
        Job active = job(false).withNewStatus().withActive(1).endStatus().build();
        TaskStatus pull = JobStates.of(active, pod(new ContainerStateBuilder().withNewWaiting()
                .withReason("ImagePullBackOff").withMessage("no such image").endWaiting().build()));
        assertEquals(TaskState.SYSTEM_ERROR, pull.state());
        assertEquals("the pod cannot run: ImagePullBackOff (no such image)", pull.message());
        TaskStatus firstPull = JobStates.of(active, pod(new ContainerStateBuilder().withNewWaiting()
                .withReason("ErrImagePull").endWaiting().build()));
        assertEquals(TaskState.INITIALIZING, firstPull.state(), "kubelet retries a first failed pull");
    }
}
