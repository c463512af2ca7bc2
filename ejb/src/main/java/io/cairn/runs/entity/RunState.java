package io.cairn.runs.entity;

/** A run's state, in the GA4GH TES vocabulary. */
public enum RunState {
    QUEUED,
    INITIALIZING,
    RUNNING,
    COMPLETE,
    /** The tool ran and exited with a code its CWL description does not count as success. */
    EXECUTOR_ERROR,
    /** Cairn or the backend failed; the run's message says how. */
    SYSTEM_ERROR,
    CANCELING,
    CANCELED;

    public boolean isTerminal() {
        return this == COMPLETE || this == EXECUTOR_ERROR || this == SYSTEM_ERROR || this == CANCELED;
    }
}
