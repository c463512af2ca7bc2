package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A Job (and its pod, when there is one) mapped to Cairn's task states. Pure, so the mapping is tested without a
 * server.
 * <ul>
 *   <li>a suspended Job that has no active pod waits for a slot: QUEUED;</li>
 *   <li>a {@code Complete} condition or {@code succeeded} count: COMPLETE, exit code from the pod (0 without one);</li>
 *   <li>a {@code Failed} condition or {@code failed} count: with reason {@code DeadlineExceeded} EXECUTOR_ERROR
 *       after the time limit; else the container's exit code makes it EXECUTOR_ERROR; without one (the pod never
 *       ran the command, or the runtime could not start the container) SYSTEM_ERROR with the reason;</li>
 *   <li>a pod whose container cannot be created or whose image cannot be had: SYSTEM_ERROR;</li>
 *   <li>a running container: RUNNING; anything else (resumed, pod pending): INITIALIZING.</li>
 * </ul>
 */
final class JobStates {

    /** Container waiting reasons after which the command will not run without someone fixing the pool or task. */
    static final Set<String> FATAL_WAITING = Set.of("ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError");

    /**
     * Reasons of a terminated container whose command never ran (the runtime could not start it, e.g. an image
     * without {@code /bin/sh}): the exit code is the runtime's, not the command's.
     */
    static final Set<String> START_FAILURES = Set.of("StartError", "ContainerCannotRun");

    private JobStates() {
    }

    static TaskStatus of(Job job, Pod pod) {
        JobStatus status = job.getStatus();
        ContainerStatus container = container(pod);
        ContainerState state = container == null ? null : container.getState();
        ContainerStateTerminated terminated = state == null ? null : state.getTerminated();
        Instant startedAt = startedAt(job, state);
        if (isTrue(job, "Complete") || status != null && positive(status.getSucceeded())) {
            Integer exitCode = terminated == null || terminated.getExitCode() == null ? 0 : terminated.getExitCode();
            return new TaskStatus(exitCode == 0 ? TaskState.COMPLETE : TaskState.EXECUTOR_ERROR, exitCode, null,
                    startedAt, endedAt(job, terminated, "Complete"));
        }
        if (isTrue(job, "Failed") || status != null && positive(status.getFailed())) {
            Instant endedAt = endedAt(job, terminated, "Failed");
            JobCondition failed = condition(job, "Failed");
            String reason = failed == null ? null : failed.getReason();
            if ("DeadlineExceeded".equals(reason)) {
                Long limit = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
                return new TaskStatus(TaskState.EXECUTOR_ERROR, null, "killed after the time limit of " + limit + " s",
                        startedAt, endedAt);
            }
            if (terminated != null && START_FAILURES.contains(terminated.getReason())) {
                return new TaskStatus(TaskState.SYSTEM_ERROR, null, "the container could not start: "
                        + terminated.getReason() + (terminated.getMessage() == null ? ""
                                : " (" + terminated.getMessage() + ")"), startedAt, endedAt);
            }
            if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
                String message = "OOMKilled".equals(terminated.getReason())
                        ? "killed for exceeding its memory limit" : null;
                return new TaskStatus(TaskState.EXECUTOR_ERROR, terminated.getExitCode(), message, startedAt,
                        endedAt);
            }
            String why = failed == null ? "the Job failed"
                    : "the Job failed: " + failed.getReason() + (failed.getMessage() == null ? ""
                            : " (" + failed.getMessage() + ")");
            return new TaskStatus(TaskState.SYSTEM_ERROR, null, why, startedAt, endedAt);
        }
        ContainerStateWaiting waiting = state == null ? null : state.getWaiting();
        if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
            return new TaskStatus(TaskState.SYSTEM_ERROR, null, "the pod cannot run: " + waiting.getReason()
                    + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")"), null, Instant.now());
        }
        boolean active = status != null && positive(status.getActive());
        if (Boolean.TRUE.equals(job.getSpec() == null ? null : job.getSpec().getSuspend()) && !active) {
            return TaskStatus.of(TaskState.QUEUED);
        }
        if (state != null && (state.getRunning() != null || terminated != null)) {
            // a terminated container whose Job is not updated yet still counts as running: the Job decides
            return new TaskStatus(TaskState.RUNNING, null, null, startedAt, null);
        }
        return new TaskStatus(TaskState.INITIALIZING, null, null, null, null);
    }

    /** Whether the Job is suspended and not running (it waits for a slot). */
    static boolean isQueued(Job job) {
        return of(job, null).state() == TaskState.QUEUED;
    }

    private static ContainerStatus container(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        return statuses.stream().filter(s -> JobManifest.CONTAINER.equals(s.getName())).findFirst()
                .orElse(statuses.isEmpty() ? null : statuses.get(0));
    }

    private static Instant startedAt(Job job, ContainerState state) {
        if (state != null && state.getRunning() != null && state.getRunning().getStartedAt() != null) {
            return instant(state.getRunning().getStartedAt());
        }
        if (state != null && state.getTerminated() != null && state.getTerminated().getStartedAt() != null) {
            return instant(state.getTerminated().getStartedAt());
        }
        return job.getStatus() == null ? null : instant(job.getStatus().getStartTime());
    }

    private static Instant endedAt(Job job, ContainerStateTerminated terminated, String conditionType) {
        Instant ended = terminated == null ? null : instant(terminated.getFinishedAt());
        if (ended == null && job.getStatus() != null) {
            ended = instant(job.getStatus().getCompletionTime());
        }
        JobCondition condition = condition(job, conditionType);
        if (ended == null && condition != null) {
            ended = instant(condition.getLastTransitionTime());
        }
        return ended == null ? Instant.now() : ended;
    }

    private static boolean isTrue(Job job, String type) {
        JobCondition condition = condition(job, type);
        return condition != null && "True".equalsIgnoreCase(condition.getStatus());
    }

    private static JobCondition condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElse(null);
    }

    private static boolean positive(Integer count) {
        return count != null && count > 0;
    }

    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
