package io.cairn.compute;

import java.io.Serializable;
import java.time.Instant;

/**
 * What a backend knows of a task.
 *
 * @param state     the task's state
 * @param exitCode  the command's exit code once it ended on its own, else {@code null}
 * @param message   a human-readable reason for SYSTEM_ERROR or CANCELED, else {@code null}
 * @param startedAt when the command started, or {@code null} if it has not
 * @param endedAt   when the task reached a terminal state, or {@code null}
 */
public record TaskStatus(TaskState state, Integer exitCode, String message, Instant startedAt, Instant endedAt)
        implements Serializable {

    public static TaskStatus of(TaskState state) {
        return new TaskStatus(state, null, null, null, null);
    }

    public static TaskStatus lost(String message) {
        return new TaskStatus(TaskState.SYSTEM_ERROR, null, message, null, Instant.now());
    }
}
