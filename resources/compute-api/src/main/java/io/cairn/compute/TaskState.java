package io.cairn.compute;

/** Task states, in the GA4GH TES vocabulary. */
public enum TaskState {
    QUEUED,
    INITIALIZING,
    RUNNING,
    COMPLETE,
    /** The command ran and exited non-zero. */
    EXECUTOR_ERROR,
    /** The backend failed or lost the task. */
    SYSTEM_ERROR,
    CANCELING,
    CANCELED;

    public boolean isTerminal() {
        return this == COMPLETE || this == EXECUTOR_ERROR || this == SYSTEM_ERROR || this == CANCELED;
    }
}
