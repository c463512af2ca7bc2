package io.cairn.compute;

/** The backend could not do what was asked; the message says what and why. */
public class ComputeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ComputeException(String message) {
        super(message);
    }

    public ComputeException(String message, Throwable cause) {
        super(message, cause);
    }
}
