package io.cairn.cwl;

import java.util.Objects;
import java.util.Set;

/**
 * A CWL parameter type within the supported subset: a primitive ({@code null}, {@code boolean},
 * {@code int}, {@code long}, {@code float}, {@code double}, {@code string}), {@code File},
 * {@code Directory}, {@code Any}, or an {@code array} of one of those. {@code ["null", X]} unions are folded into
 * {@link #optional()}.
 *
 * <p>An array schema may carry its own {@code inputBinding}; it is applied to each element
 * ({@link #itemBinding()}), while the parameter's {@code inputBinding} applies to the array as a whole.
 */
public final class CwlType {

    static final Set<String> PRIMITIVES = Set.of("null", "boolean", "int", "long", "float", "double", "string");

    private final String name;
    private final CwlType items;
    private final boolean optional;
    private final CommandLineBinding itemBinding;

    private CwlType(String name, CwlType items, boolean optional, CommandLineBinding itemBinding) {
        this.name = Objects.requireNonNull(name);
        this.items = items;
        this.optional = optional;
        this.itemBinding = itemBinding;
    }

    /** A non-array type such as {@code "string"} or {@code "File"}. */
    public static CwlType of(String name) {
        if ("array".equals(name)) {
            throw new IllegalArgumentException("use CwlType.arrayOf for arrays");
        }
        return new CwlType(name, null, false, null);
    }

    public static CwlType arrayOf(CwlType items) {
        return new CwlType("array", Objects.requireNonNull(items), false, null);
    }

    static CwlType arrayOf(CwlType items, CommandLineBinding itemBinding) {
        return new CwlType("array", Objects.requireNonNull(items), false, itemBinding);
    }

    /** The same type, but also accepting {@code null}. */
    public CwlType asOptional() {
        return optional ? this : new CwlType(name, items, true, itemBinding);
    }

    /** {@code "string"}, {@code "File"}, {@code "array"}, ... */
    public String name() {
        return name;
    }

    /** Element type for arrays, otherwise null. */
    public CwlType items() {
        return items;
    }

    public boolean optional() {
        return optional;
    }

    /** The {@code inputBinding} declared on an array schema, applied to each element; may be null. */
    public CommandLineBinding itemBinding() {
        return itemBinding;
    }

    public boolean isArray() {
        return items != null;
    }

    public boolean isFile() {
        return "File".equals(name);
    }

    public boolean isDirectory() {
        return "Directory".equals(name);
    }

    /** {@code File}, {@code File?}, {@code File[]} or {@code File[]?}. */
    public boolean isFileOrFileArray() {
        return isFile() || (isArray() && items.isFile() && !items.optional());
    }

    /**
     * What a glob alone can produce: {@code File} or {@code Directory}, optional or not, or an
     * array of one of them.
     */
    public boolean isGlobbable() {
        return isFile() || isDirectory()
                || (isArray() && (items.isFile() || items.isDirectory()) && !items.optional());
    }

    /** True when this type, or an array element type below it, carries an element binding. */
    boolean hasNestedBinding() {
        return itemBinding != null || (items != null && items.hasNestedBinding());
    }

    /** CWL shorthand: {@code File}, {@code int?}, {@code string[]}, {@code File[]?}. */
    @Override
    public String toString() {
        String base = isArray() ? items + "[]" : name;
        return optional ? base + "?" : base;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CwlType t && name.equals(t.name) && optional == t.optional
                && Objects.equals(items, t.items) && Objects.equals(itemBinding, t.itemBinding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, items, optional, itemBinding);
    }
}
