package io.cairn.compute.ra.batch;

import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import java.time.Instant;

/**
 * A job as a scheduler reports it, already mapped to Cairn's states.
 *
 * @param state     the task state the scheduler's job state maps to
 * @param rawState  the scheduler's own word for it ({@code PENDING}, {@code FAILED}, ...)
 * @param exitCode  the command's exit code once the job ended (128 + signal when a signal ended it), else null
 * @param message   why the job ended as it did when that is worth telling (a time limit, a node failure), or null
 * @param startedAt when the job started, or null
 * @param endedAt   when it ended, or null
 */
public record SchedulerJob(TaskState state, String rawState, Integer exitCode, String message, Instant startedAt,
                           Instant endedAt) {

    public TaskStatus toStatus() {
        Instant ended = state.isTerminal() ? (endedAt != null ? endedAt : Instant.now()) : null;
        Integer code = state == TaskState.COMPLETE || state == TaskState.EXECUTOR_ERROR ? exitCode : null;
        return new TaskStatus(state, code, message, startedAt, ended);
    }
}
