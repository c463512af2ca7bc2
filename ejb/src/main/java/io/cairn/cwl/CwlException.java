package io.cairn.cwl;

import java.util.List;

/**
 * A problem with a CWL document, a job object or a tool run, told in a way a person can act on:
 * what is wrong ({@link #reason()}), where ({@link #path()}, {@link #line()}) and, when it helps,
 * what would be accepted.
 *
 * <p>{@link Kind#MALFORMED}: the document is not valid CWL (or not YAML/JSON at all).
 * {@link Kind#UNSUPPORTED}: valid CWL that Cairn cannot run yet. {@link Kind#INVALID}: the
 * document is fine but the job inputs, an evaluated value or the produced outputs are not.
 */
public class CwlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of problem this is. */
    public enum Kind { MALFORMED, UNSUPPORTED, INVALID }

    private final Kind kind;
    private final String reason;
    private final String path;
    private final Integer line;
    private final List<String> errors;

    public CwlException(Kind kind, String reason, String path, Integer line) {
        this(kind, reason, path, line, null);
    }

    /**
     * @param errors every individual problem when several were found at once (each one prefixed
     *               with its location); {@code null} for a single problem
     */
    public CwlException(Kind kind, String reason, String path, Integer line, List<String> errors) {
        super(compose(reason, path, line));
        this.kind = kind;
        this.reason = reason;
        this.path = path == null || path.isEmpty() ? null : path;
        this.line = line;
        this.errors = errors == null ? null : List.copyOf(errors);
    }

    static CwlException malformed(String reason, String path, Integer line) {
        return new CwlException(Kind.MALFORMED, reason, path, line);
    }

    static CwlException unsupported(String reason, String path, Integer line) {
        return new CwlException(Kind.UNSUPPORTED, reason, path, line);
    }

    static CwlException invalid(String reason, String path, Integer line) {
        return new CwlException(Kind.INVALID, reason, path, line);
    }

    public Kind kind() {
        return kind;
    }

    /** The bare sentence, without the location suffix that {@link #getMessage()} adds. */
    public String reason() {
        return reason;
    }

    /** Dotted/indexed location such as {@code inputs.reads.type} or {@code arguments[1].valueFrom}; may be null. */
    public String path() {
        return path;
    }

    /** 1-based line in the CWL document; null when the problem is not tied to a line. */
    public Integer line() {
        return line;
    }

    /**
     * Every problem found. For an exception that gathers several (job validation, output
     * collection) one entry per problem, each starting with its location; otherwise a single
     * entry equal to {@link #getMessage()}.
     */
    public List<String> errors() {
        return errors != null ? errors : List.of(getMessage());
    }

    private static String compose(String reason, String path, Integer line) {
        boolean hasPath = path != null && !path.isEmpty();
        if (!hasPath && line == null) {
            return reason;
        }
        StringBuilder sb = new StringBuilder(reason).append(" (");
        if (hasPath) {
            sb.append("at ").append(path);
        }
        if (line != null) {
            sb.append(hasPath ? ", " : "").append("line ").append(line);
        }
        return sb.append(')').toString();
    }
}
