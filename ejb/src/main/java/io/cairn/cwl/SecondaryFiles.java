package io.cairn.cwl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code secondaryFiles} entries of a parameter ask for, for one primary File. A literal
 * pattern names one file (its {@code ^} remove extensions, the rest is appended). An expression
 * is evaluated with {@code self} the primary File (with {@code basename}, {@code nameroot},
 * {@code nameext}, {@code dirname} and, as the primary has them, {@code location}, {@code path}
 * and {@code secondaryFiles}) and may give, as CWL v1.2 says: a file name relative to the primary
 * file's folder, a File or Directory object, null (nothing), or an array of those. A
 * {@code required} expression is evaluated with the same {@code self}; null counts as false.
 */
public final class SecondaryFiles {

    /**
     * One secondary file asked for: by {@code name} (relative to the primary's folder) or as an
     * {@code object} (a File or Directory), never both.
     */
    public record Wanted(String name, Map<String, Object> object, boolean required, String pattern) {

        /** The basename the secondary file gets: the object's {@code basename}, else the last part of its path or location, else the name's. */
        public String basename() {
            if (object == null) {
                return CwlValues.basenameOf(name);
            }
            if (object.get("basename") instanceof String b && !b.isEmpty()) {
                return b;
            }
            Object ref = object.get("path") instanceof String p ? p : object.get("location");
            return ref instanceof String s ? CwlValues.basenameOf(s.replaceAll("/+$", "")) : null;
        }
    }

    private SecondaryFiles() {
    }

    /**
     * @param context the evaluation context (inputs, runtime); only used for expressions
     * @param where   the entry's document path, for messages ({@code inputs.x.secondaryFiles[2]})
     * @throws CwlException INVALID when an expression fails or gives something else than described
     */
    public static List<Wanted> wanted(CommandLineTool tool, SecondaryFile entry, Map<String, Object> primary,
                                      Map<String, Object> context, String where) {
        String basename = primary.get("basename") instanceof String b ? b
                : CwlValues.basenameOf(String.valueOf(primary.get("path")));
        boolean required = entry.required();
        Object self = null;
        if (entry.isExpression() || entry.requiredExpression() != null) {
            self = CwlValues.withFileFields(primary, where, new ArrayList<>());
        }
        if (entry.requiredExpression() != null) {
            String at = where + ".required";
            Object value = CommandLineBuilder.evaluate(tool, entry.requiredExpression(), context, self, at, true);
            if (value != null && !(value instanceof Boolean)) {
                throw CwlException.invalid("secondaryFiles 'required' " + entry.requiredExpression() + " gave "
                        + CwlValues.abbreviate(CwlValues.describe(value)) + "; expected true, false or null", at,
                        tool.lineOf(at));
            }
            required = Boolean.TRUE.equals(value);
        }
        if (!entry.isExpression()) {
            return List.of(new Wanted(entry.nameFor(basename), null, required, entry.pattern()));
        }
        Object value = CommandLineBuilder.evaluate(tool, entry.pattern(), context, self, where, true);
        List<Wanted> out = new ArrayList<>();
        add(tool, entry, value, required, where, out, true);
        return out;
    }

    private static void add(CommandLineTool tool, SecondaryFile entry, Object value, boolean required, String where,
                            List<Wanted> out, boolean top) {
        if (value == null) {
            return;
        }
        if (value instanceof String name) {
            if (name.isEmpty() || name.startsWith("/") || name.equals(".") || name.equals("..")
                    || name.startsWith("../") || name.contains("/../") || name.endsWith("/..")) {
                throw CwlException.invalid("secondaryFiles " + entry.pattern() + " gave the file name '" + name
                        + "'; expected a name relative to the primary file's folder, inside it", where,
                        tool.lineOf(where));
            }
            out.add(new Wanted(name, null, required, entry.pattern()));
            return;
        }
        if (value instanceof Map<?, ?> map && ("File".equals(map.get("class")) || "Directory".equals(map.get("class")))) {
            Map<String, Object> object = new LinkedHashMap<>();
            map.forEach((k, v) -> object.put(String.valueOf(k), v));
            if (!(object.get("path") instanceof String) && !(object.get("location") instanceof String)
                    && !(object.get("listing") instanceof List<?>) && !(object.get("contents") instanceof String)) {
                throw CwlException.invalid("secondaryFiles " + entry.pattern() + " gave a " + object.get("class")
                        + " without path or location", where, tool.lineOf(where));
            }
            out.add(new Wanted(null, object, required, entry.pattern()));
            return;
        }
        if (top && value instanceof List<?> list) {
            for (Object item : list) {
                add(tool, entry, item, required, where, out, false);
            }
            return;
        }
        throw CwlException.invalid("secondaryFiles " + entry.pattern() + " gave "
                + CwlValues.abbreviate(CwlValues.describe(value)) + "; expected a file name, a File or Directory, "
                + "null, or an array of those", where, tool.lineOf(where));
    }
}
