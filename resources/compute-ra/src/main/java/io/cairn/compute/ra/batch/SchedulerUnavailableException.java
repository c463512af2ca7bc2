package io.cairn.compute.ra.batch;

import io.cairn.compute.ComputeException;

/** The scheduler could not be reached; the operation may work when retried later. */
public class SchedulerUnavailableException extends ComputeException {

    private static final long serialVersionUID = 1L;

    public SchedulerUnavailableException(String message) {
        super(message);
    }

    public SchedulerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
