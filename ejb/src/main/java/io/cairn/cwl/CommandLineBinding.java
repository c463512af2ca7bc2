package io.cairn.cwl;

/**
 * How a value becomes command line elements ({@code inputBinding} or an {@code arguments} entry).
 * A plain string in {@code arguments} is represented with that string as {@code valueFrom}.
 *
 * @param position      sort key, null means the default 0
 * @param prefix        added before the value, may be null
 * @param separate      whether prefix and value are separate argv elements (default true)
 * @param itemSeparator joins array elements into one element when set
 * @param valueFrom     raw string, may contain parameter references; evaluated with {@code self}
 *                      bound to the input value
 * @param shellQuote    under ShellCommandRequirement, whether the elements are quoted for the
 *                      shell (default true); without it, the value has no effect
 * @param positionExpression an expression giving the position instead of {@code position}
 *                      (evaluated with {@code self} bound to the input value), or null
 */
public record CommandLineBinding(Integer position, String prefix, boolean separate, String itemSeparator,
                                 String valueFrom, boolean shellQuote, String positionExpression) {

    /** A binding whose position, if any, is a number. */
    public CommandLineBinding(Integer position, String prefix, boolean separate, String itemSeparator,
                              String valueFrom, boolean shellQuote) {
        this(position, prefix, separate, itemSeparator, valueFrom, shellQuote, null);
    }

    /** A binding with {@code shellQuote: true}. */
    public CommandLineBinding(Integer position, String prefix, boolean separate, String itemSeparator,
                              String valueFrom) {
        this(position, prefix, separate, itemSeparator, valueFrom, true);
    }

    /** The binding for a literal or parameter-reference entry of {@code arguments}. */
    public static CommandLineBinding ofValue(String valueFrom) {
        return new CommandLineBinding(null, null, true, null, valueFrom);
    }

    /** The position used for sorting when it is not an expression: {@link #position()} or 0. */
    public int sortPosition() {
        return position == null ? 0 : position;
    }
}
