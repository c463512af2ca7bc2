package io.cairn.platform;

import jakarta.ejb.ApplicationException;

/**
 * A failure a caller can act on. The REST layer turns it into an RFC 9457 problem document whose
 * status and title come from the {@link Kind} and whose detail is the message. It does not mark
 * the transaction for rollback: services throw it before they change anything, and a caller that
 * catches it (a batch step recording why a run failed) must still be able to commit.
 */
@ApplicationException(rollback = false)
public class Problem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in HTTP terms. */
    public enum Kind {
        BAD_REQUEST(400, "Bad request"),
        NOT_FOUND(404, "Not found"),
        CONFLICT(409, "Conflict"),
        UNAVAILABLE(503, "Service unavailable");

        private final int status;
        private final String title;

        Kind(int status, String title) {
            this.status = status;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;

    public Problem(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    public Problem(Kind kind, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
    }

    public static Problem badRequest(String detail) {
        return new Problem(Kind.BAD_REQUEST, detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(Kind.NOT_FOUND, detail);
    }

    public static Problem conflict(String detail) {
        return new Problem(Kind.CONFLICT, detail);
    }

    public Kind kind() {
        return kind;
    }
}
