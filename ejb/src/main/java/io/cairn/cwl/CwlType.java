package io.cairn.cwl;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A CWL parameter type within the supported subset: a primitive ({@code null}, {@code boolean},
 * {@code int}, {@code long}, {@code float}, {@code double}, {@code string}), {@code File},
 * {@code Directory}, {@code Any}, or an {@code array} of one of those. {@code ["null", X]} unions are folded into
 * {@link #optional()}.
 *
 * <p>A {@code record} has {@link #fields()}, each an input or output parameter of its own (its
 * name, type, {@code inputBinding} or {@code outputBinding}, {@code format}); an {@code enum} has
 * {@link #symbols()}.
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
    private final List<Field> fields;
    private final List<String> symbols;
    private final List<CwlType> alternatives;

    /**
     * A field of a record type: an input field carries an {@link InputParameter} (for its type,
     * inputBinding, format and loadContents), an output field an {@link OutputParameter} (for its
     * outputBinding); exactly one of them is set, with the field's name as id.
     */
    public record Field(String name, InputParameter input, OutputParameter output) {

        public Field {
            Objects.requireNonNull(name);
            if ((input == null) == (output == null)) {
                throw new IllegalArgumentException("a record field is either an input or an output field");
            }
        }

        public CwlType type() {
            return input != null ? input.type() : output.type();
        }
    }

    private CwlType(String name, CwlType items, boolean optional, CommandLineBinding itemBinding,
                    List<Field> fields, List<String> symbols, List<CwlType> alternatives) {
        this.name = Objects.requireNonNull(name);
        this.items = items;
        this.optional = optional;
        this.itemBinding = itemBinding;
        this.fields = fields == null ? List.of() : List.copyOf(fields);
        this.symbols = symbols == null ? List.of() : List.copyOf(symbols);
        this.alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    }

    private CwlType(String name, CwlType items, boolean optional, CommandLineBinding itemBinding) {
        this(name, items, optional, itemBinding, null, null, null);
    }

    /**
     * A union of two or more non-null types ({@code [File, Directory]}); a value takes the first
     * alternative it fits. {@code null} in a union is {@link #optional()} instead.
     */
    public static CwlType unionOf(List<CwlType> alternatives) {
        if (alternatives.size() < 2) {
            throw new IllegalArgumentException("a union needs at least two types");
        }
        return new CwlType("union", null, false, null, null, null, alternatives);
    }

    /** The alternatives of a union; empty for other types. */
    public List<CwlType> alternatives() {
        return alternatives;
    }

    public boolean isUnion() {
        return "union".equals(name);
    }

    /** A record type with the given fields. */
    public static CwlType recordOf(List<Field> fields) {
        return new CwlType("record", null, false, null, Objects.requireNonNull(fields), null, null);
    }

    /** An enum type with the given symbols (short names). */
    public static CwlType enumOf(List<String> symbols) {
        return new CwlType("enum", null, false, null, null, Objects.requireNonNull(symbols), null);
    }

    /** A non-array type such as {@code "string"} or {@code "File"}. */
    public static CwlType of(String name) {
        if ("array".equals(name) || "record".equals(name) || "enum".equals(name) || "union".equals(name)) {
            throw new IllegalArgumentException("use CwlType.arrayOf, recordOf, enumOf or unionOf for " + name);
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
        return optional ? this : new CwlType(name, items, true, itemBinding, fields, symbols, alternatives);
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

    /** The fields of a record, in declaration order; empty for other types. */
    public List<Field> fields() {
        return fields;
    }

    /** The symbols of an enum; empty for other types. */
    public List<String> symbols() {
        return symbols;
    }

    public boolean isRecord() {
        return "record".equals(name);
    }

    public boolean isEnum() {
        return "enum".equals(name);
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
        return isFileOrDirectory(this) || (isArray() && isFileOrDirectory(items) && !items.optional());
    }

    /** File, Directory, or a union of only those. */
    private static boolean isFileOrDirectory(CwlType t) {
        return t.isFile() || t.isDirectory()
                || (t.isUnion() && t.alternatives.stream().allMatch(a -> a.isFile() || a.isDirectory()));
    }

    /** True when this type, or an array element type below it, carries an element binding. */
    boolean hasNestedBinding() {
        return itemBinding != null || (items != null && items.hasNestedBinding())
                || alternatives.stream().anyMatch(CwlType::hasNestedBinding)
                || fields.stream().anyMatch(f -> f.input() != null
                && (f.input().binding() != null || f.type().hasNestedBinding()));
    }

    /** CWL shorthand: {@code File}, {@code int?}, {@code string[]}, {@code File[]?}. */
    @Override
    public String toString() {
        String base = isArray() ? items + "[]"
                : isRecord() ? "record{" + String.join(", ", fields.stream().map(f -> f.name() + ": " + f.type()).toList()) + "}"
                : isEnum() ? "enum[" + String.join(", ", symbols) + "]"
                : isUnion() ? "[" + String.join(", ", alternatives.stream().map(CwlType::toString).toList()) + "]"
                : name;
        return optional ? base + "?" : base;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CwlType t && name.equals(t.name) && optional == t.optional
                && Objects.equals(items, t.items) && Objects.equals(itemBinding, t.itemBinding)
                && fields.equals(t.fields) && symbols.equals(t.symbols) && alternatives.equals(t.alternatives);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, items, optional, itemBinding, fields, symbols, alternatives);
    }
}
