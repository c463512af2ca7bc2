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

    /** The problem type of a valid CWL document that uses a feature Cairn does not run (yet). */
    public static final String UNSUPPORTED_FEATURE = "/problems/unsupported-feature";

    private final Kind kind;
    private final String type;

    public Problem(Kind kind, String detail) {
        this(kind, detail, (String) null);
    }

    public Problem(Kind kind, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.type = null;
    }

    /**
     * @param type an RFC 9457 problem type (a URI reference such as {@link #UNSUPPORTED_FEATURE}),
     *             or null for a plain problem of its kind
     */
    public Problem(Kind kind, String detail, String type) {
        super(detail);
        this.kind = kind;
        this.type = type;
    }

    /** A 400 for valid CWL that Cairn cannot run: clients such as cwl-runner report it apart. */
    public static Problem unsupported(String detail) {
        return new Problem(Kind.BAD_REQUEST, detail, UNSUPPORTED_FEATURE);
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

    /** The problem type URI reference, or null for {@code about:blank}. */
    public String type() {
        return type;
    }
}
