package io.cairn.cwl;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a CWL job object against a tool's inputs and turns it into the resolved input object:
 * defaults applied, every declared input present (null when optional and not given), integers as
 * {@link Long}, floating point numbers as {@link Double}, maps and lists copied.
 */
public final class JobInputs {

    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * Marks a Directory whose listing a client read from disk rather than wrote in the job (its
     * value is {@code true}): the files are staged, but the tool sees the listing only as deep as
     * its {@code loadListing} says. The mark is never shown to the tool.
     */
    public static final String LISTING_LOADED = "cairn:listingLoaded";

    private JobInputs() {
    }

    /**
     * @param job the parsed job object (Map/List/String/Number/Boolean/null values); null means empty
     * @return the resolved inputs, in declaration order
     * @throws CwlException INVALID listing every problem found ({@link CwlException#errors()}),
     *                      with path {@code inputs.NAME} when there is only one
     */
    public static Map<String, Object> resolve(CommandLineTool tool, Map<String, Object> job) {
        Map<String, Object> resolved = resolve(tool.inputs(), job);
        resolved.replaceAll((k, v) -> expandFormats(tool, v));
        if (!tool.formatOntologies()) {
            List<String> errors = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (InputParameter input : tool.inputs()) {
                int before = errors.size();
                checkFormats(input.format(), input.type(), resolved.get(input.id()), "inputs." + input.id(), errors);
                for (int i = before; i < errors.size(); i++) {
                    paths.add("inputs." + input.id());
                }
            }
            if (!errors.isEmpty()) {
                throw failure("job", errors, paths);
            }
        }
        return resolved;
    }

    /**
     * Checks that each File of a value has one of the declared formats (by exact IRI, after
     * namespace expansion), then does the same for the fields of records, which declare formats of
     * their own. A declared format that is an expression is known only at run time and not checked.
     */
    private static void checkFormats(List<String> declared, CwlType type, Object value, String path,
                                     List<String> errors) {
        if (value == null) {
            return;
        }
        boolean checkable = !declared.isEmpty()
                && declared.stream().noneMatch(ParameterReferences::mayContainReferences);
        if (value instanceof List<?> list) {
            CwlType items = type != null && type.isArray() ? type.items() : null;
            for (int i = 0; i < list.size(); i++) {
                checkFormats(checkable ? declared : List.of(), items, list.get(i), path + "[" + i + "]", errors);
            }
            return;
        }
        if (checkable && CwlValues.isFile(value)) {
            Object format = ((Map<?, ?>) value).get("format");
            if (format == null) {
                errors.add(path + ": the File has no format; expected " + String.join(" or ", declared));
            } else if (!declared.contains(String.valueOf(format))) {
                errors.add(path + ": format " + format + " is not " + String.join(" or ", declared));
            }
            return;
        }
        if (type != null && type.isRecord() && value instanceof Map<?, ?> record) {
            for (CwlType.Field field : type.fields()) {
                if (field.input() != null) {
                    checkFormats(field.input().format(), field.type(), record.get(field.name()),
                            path + "." + field.name(), errors);
                }
            }
        }
    }

    /** The same for any process's inputs (a workflow's). */
    public static Map<String, Object> resolve(List<InputParameter> declared, Map<String, Object> job) {
        Map<String, Object> given = job == null ? Map.of() : job;
        List<String> errors = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (InputParameter input : declared) {
            String path = "inputs." + input.id();
            Object value = given.get(input.id());
            int before = errors.size();
            if (value == null && input.defaultValue() != null) {
                resolved.put(input.id(), check(input.type(), input.defaultValue(), path, errors));
            } else if (value == null && !given.containsKey(input.id()) && !acceptsNull(input.type())) {
                errors.add(path + ": missing required input (type " + input.type() + ")");
            } else {
                resolved.put(input.id(), check(input.type(), value, path, errors));
            }
            for (int i = before; i < errors.size(); i++) {
                paths.add(path);
            }
        }
        List<String> known = declared.stream().map(InputParameter::id).collect(Collectors.toList());
        for (String key : given.keySet()) {
            if (!known.contains(key) && !key.contains(":")) {
                errors.add("inputs." + key + ": unknown input '" + key + "'; "
                        + (known.isEmpty() ? "the tool has no inputs" : "the tool's inputs are: " + String.join(", ", known)));
                paths.add("inputs." + key);
            }
        }
        if (!errors.isEmpty()) {
            throw failure("job", errors, paths);
        }
        return resolved;
    }

    /**
     * Expands namespace prefixes in the {@code format} of every File, with the tool's
     * {@code $namespaces}. Formats are not checked against the declared ones: Cairn does not
     * load ontologies, so it cannot tell subclasses and equivalent classes apart.
     */
    private static Object expandFormats(CommandLineTool tool, Object value) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(expandFormats(tool, v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), expandFormats(tool, v)));
            if ("File".equals(out.get("class")) && out.get("format") instanceof String f) {
                out.put("format", tool.expandFormat(f));
            }
            return out;
        }
        return value;
    }

    /**
     * Reads the contents of the Files of every input declared with {@code loadContents} (first
     * the inputs must be staged: their Files need a local {@code path}).
     *
     * @param staged resolved and staged inputs; not modified
     * @return a copy in which those Files carry {@code contents}
     * @throws CwlException INVALID when a file is larger than 64 KiB or cannot be read
     */
    public static Map<String, Object> loadContents(CommandLineTool tool, Map<String, Object> staged) {
        Map<String, Object> out = new LinkedHashMap<>(staged);
        for (InputParameter input : tool.inputs()) {
            if (input.loadContents() && out.get(input.id()) != null) {
                out.put(input.id(), withContents(out.get(input.id()), "inputs." + input.id()));
            }
        }
        return out;
    }

    /**
     * Stages the secondary files that expressions of an input's {@code secondaryFiles} give as
     * File or Directory objects; by nothing else.
     */
    @FunctionalInterface
    public interface Beside {
        /**
         * Places a secondary File or Directory object in the folder of the staged primary File,
         * under the object's basename.
         *
         * @return the staged object (with its {@code path})
         * @throws CwlException INVALID when the object cannot be staged (not found, not a file of
         *                      this run or of the file store)
         */
        Map<String, Object> place(Map<String, Object> primary, Map<String, Object> object, String basename);

        /**
         * Removes a secondary file that was staged with the primary and that an expression gave
         * again under another basename (CWL: the expression's basename takes precedence).
         */
        default void drop(Map<String, Object> staged) {
        }
    }

    /**
     * Checks that every staged input File carries the secondary files its parameter (or record
     * field) requires, by basename in its {@code secondaryFiles}. The caller stages them beside
     * the primary file. Patterns with expressions are refused here (no context to evaluate them).
     *
     * @throws CwlException INVALID listing every missing secondary file
     */
    public static void checkSecondaryFiles(CommandLineTool tool, Map<String, Object> staged) {
        secondaryFiles(tool, staged, null, (primary, object, basename) -> {
            throw CwlException.invalid("secondary File or Directory objects need staging", null, null);
        });
    }

    /**
     * Works out the secondary files of every staged input File (in parameters, arrays and record
     * fields) from its parameter's {@code secondaryFiles}: a name (from a literal pattern or an
     * expression) must be among the File's own {@code secondaryFiles} when required; a File or
     * Directory object an expression gives is staged beside the primary with {@code beside} (unless
     * the File already has a secondary file of that basename) and added to them.
     *
     * @param runtime the run's runtime, for expressions; null when there are none
     * @return the staged inputs with the added secondary files (a copy where something changed)
     * @throws CwlException INVALID listing every missing secondary file and failed expression
     */
    public static Map<String, Object> secondaryFiles(CommandLineTool tool, Map<String, Object> staged,
                                                     RuntimeContext runtime, Beside beside) {
        List<String> errors = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<Map<String, Object>> context = new ArrayList<>(1); // built on first use
        java.util.function.Supplier<Map<String, Object>> lazyContext = () -> {
            if (context.isEmpty()) {
                if (runtime == null) {
                    throw CwlException.invalid("secondaryFiles expressions need the run's runtime", null, null);
                }
                context.add(CommandLineBuilder.context(tool, staged, runtime));
            }
            return context.get(0);
        };
        Map<String, Object> out = new LinkedHashMap<>(staged);
        for (InputParameter input : tool.inputs()) {
            int before = errors.size();
            out.put(input.id(), secondary(tool, input.secondaryFiles(), "inputs." + input.id() + ".secondaryFiles",
                    input.type(), staged.get(input.id()), "inputs." + input.id(), lazyContext, beside, errors));
            for (int i = before; i < errors.size(); i++) {
                paths.add("inputs." + input.id());
            }
        }
        if (!errors.isEmpty()) {
            throw failure("job", errors, paths);
        }
        return out;
    }

    private static Object secondary(CommandLineTool tool, List<SecondaryFile> patterns, String declaredAt,
                                    CwlType type, Object value, String where,
                                    java.util.function.Supplier<Map<String, Object>> context, Beside beside,
                                    List<String> errors) {
        if (value instanceof List<?> list) {
            CwlType items = type != null && type.isArray() ? type.items() : null;
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(secondary(tool, patterns, declaredAt, items, list.get(i), where + "[" + i + "]", context,
                        beside, errors));
            }
            return copy;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (CwlValues.isFile(map)) {
            if (patterns.isEmpty()) {
                return value;
            }
            Map<String, Object> file = new LinkedHashMap<>();
            map.forEach((k, v) -> file.put(String.valueOf(k), v));
            List<Object> given = new ArrayList<>();
            List<String> have = new ArrayList<>();
            if (file.get("secondaryFiles") instanceof List<?> list) {
                for (Object g : list) {
                    given.add(g);
                    if (g instanceof Map<?, ?> m && m.get("basename") instanceof String b) {
                        have.add(b);
                    }
                }
            }
            String basename = file.get("basename") instanceof String b ? b
                    : CwlValues.basenameOf(String.valueOf(file.get("path")));
            boolean added = false;
            for (int p = 0; p < patterns.size(); p++) {
                SecondaryFile pattern = patterns.get(p);
                String at = patterns.size() == 1 ? declaredAt : declaredAt + "[" + p + "]";
                List<SecondaryFiles.Wanted> wanted;
                try {
                    wanted = SecondaryFiles.wanted(tool, pattern, file,
                            pattern.isExpression() || pattern.requiredExpression() != null ? context.get() : null,
                            at);
                } catch (CwlException e) {
                    errors.add(where + ": " + e.reason());
                    continue;
                }
                for (SecondaryFiles.Wanted w : wanted) {
                    String name = w.basename();
                    if (w.object() == null) {
                        if (w.required() && !have.contains(w.name())) {
                            errors.add(where + ": missing secondary file '" + w.name() + "' (pattern " + w.pattern()
                                    + ") for " + basename + "; give it in the File's \"secondaryFiles\"");
                        }
                        continue;
                    }
                    if (name == null || name.isEmpty() || name.equals(basename)) {
                        errors.add(where + ": secondaryFiles " + w.pattern() + " gave a "
                                + w.object().get("class") + (name == null || name.isEmpty() ? " without a basename"
                                : " with the primary file's own name '" + name + "'"));
                        continue;
                    }
                    if (have.contains(name)) {
                        continue;
                    }
                    Object location = w.object().get("location");
                    Map<String, Object> renamed = null;
                    for (Object g : given) {
                        if (location instanceof String && g instanceof Map<?, ?> m && location.equals(m.get("location"))
                                && w.object().get("class").equals(m.get("class"))) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> same = (Map<String, Object>) m;
                            renamed = same;
                            break;
                        }
                    }
                    try {
                        given.add(beside.place(file, w.object(), name));
                        have.add(name);
                        added = true;
                        if (renamed != null) {
                            given.remove(renamed);
                            have.remove(renamed.get("basename"));
                            beside.drop(renamed);
                        }
                    } catch (CwlException e) {
                        if (w.required()) {
                            errors.add(where + ": secondary file '" + name + "' (pattern " + w.pattern()
                                    + ") cannot be staged: " + e.reason());
                        }
                    }
                }
            }
            if (added) {
                file.put("secondaryFiles", given);
                return file;
            }
            return value;
        }
        if (type != null && type.isRecord()) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v));
            for (CwlType.Field field : type.fields()) {
                if (field.input() != null && copy.containsKey(field.name())) {
                    copy.put(field.name(), secondary(tool, field.input().secondaryFiles(),
                            where + ".secondaryFiles", field.type(), copy.get(field.name()),
                            where + "." + field.name(), context, beside, errors));
                }
            }
            return copy;
        }
        return value;
    }

    private static Object withContents(Object value, String where) {
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(withContents(list.get(i), where + "[" + i + "]"));
            }
            return copy;
        }
        if (CwlValues.isFile(value)) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> copy.put(String.valueOf(k), v));
            if (!(copy.get("path") instanceof String path)) {
                throw CwlException.invalid("loadContents: the File has no local path; stage it first", where, null);
            }
            copy.put("contents", CwlValues.loadContents(java.nio.file.Path.of(path), where));
            return copy;
        }
        return value;
    }

    /** One exception for all problems: the single one as is, or a numbered list. */
    static CwlException failure(String what, List<String> errors, List<String> paths) {
        if (errors.size() == 1) {
            String only = errors.get(0);
            String path = paths.get(0);
            String reason = only.startsWith(path + ": ") ? only.substring(path.length() + 2) : only;
            return new CwlException(CwlException.Kind.INVALID, reason, path, null, errors);
        }
        StringBuilder reason = new StringBuilder("the ").append(what).append(" has ").append(errors.size())
                .append(" problems: ");
        for (int i = 0; i < errors.size(); i++) {
            reason.append(i == 0 ? "" : "; ").append(errors.get(i));
        }
        String common = paths.stream().distinct().count() == 1 ? paths.get(0) : null;
        return new CwlException(CwlException.Kind.INVALID, reason.toString(), common, null, errors);
    }

    static boolean acceptsNull(CwlType type) {
        return type.optional() || "null".equals(type.name());
    }

    /**
     * Checks one value against a type, adding {@code "PATH: problem"} entries to {@code errors}.
     *
     * @return the normalised copy of the value (meaningful only when no error was added)
     */
    static Object check(CwlType type, Object value, String path, List<String> errors) {
        if (value == null) {
            if (!acceptsNull(type)) {
                errors.add(path + ": expected " + type + ", got null");
            }
            return null;
        }
        switch (type.name()) {
            case "null":
                errors.add(path + ": expected null, got " + CwlValues.describe(value));
                return null;
            case "string":
                if (value instanceof String) {
                    return value;
                }
                return mismatch(type, value, path, errors);
            case "boolean":
                if (value instanceof Boolean) {
                    return value;
                }
                return mismatch(type, value, path, errors);
            case "int":
            case "long":
                return checkInteger(type, value, path, errors);
            case "float":
            case "double":
                if (value instanceof Number n) {
                    BigDecimal exact = CwlValues.exactDecimal(n);
                    double d = n.doubleValue();
                    if (exact != null && Double.isInfinite(d)) {
                        errors.add(path + ": " + CwlValues.formatNumber(n) + " is too large for " + type.name());
                        return null;
                    }
                    return integral(n, exact) ? normalize(n) : d;
                }
                return mismatch(type, value, path, errors);
            case "File":
                return checkFile(type, value, path, errors);
            case "Directory":
                return checkDirectory(type, value, path, errors);
            case "enum":
                if (value instanceof String symbol && type.symbols().contains(symbol)) {
                    return symbol;
                }
                errors.add(path + ": expected one of " + String.join(", ", type.symbols()) + ", got "
                        + CwlValues.describe(value));
                return null;
            case "record":
                return checkRecord(type, value, path, errors);
            case "union": {
                CwlType match = alternativeFor(type, value);
                if (match != null) {
                    return check(match, value, path, errors);
                }
                errors.add(path + ": expected " + type + ", got " + CwlValues.describe(value));
                return null;
            }
            case "Any":
                return normalize(value);
            case "array":
                if (!(value instanceof List<?> list)) {
                    return mismatch(type, value, path, errors);
                }
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    out.add(check(type.items(), list.get(i), path + "[" + i + "]", errors));
                }
                return out;
            default:
                errors.add(path + ": values of type " + type + " are not supported");
                return null;
        }
    }

    private static Object mismatch(CwlType type, Object value, String path, List<String> errors) {
        errors.add(path + ": expected " + type + ", got " + CwlValues.describe(value));
        return null;
    }

    private static Object checkInteger(CwlType type, Object value, String path, List<String> errors) {
        if (!(value instanceof Number n)) {
            return mismatch(type, value, path, errors);
        }
        BigDecimal exact = CwlValues.exactDecimal(n);
        if (exact == null || !(exact.signum() == 0 || exact.stripTrailingZeros().scale() <= 0)) {
            return mismatch(type, value, path, errors);
        }
        boolean isInt = "int".equals(type.name());
        BigDecimal min = isInt ? INT_MIN : LONG_MIN;
        BigDecimal max = isInt ? INT_MAX : LONG_MAX;
        if (exact.compareTo(min) < 0 || exact.compareTo(max) > 0) {
            errors.add(path + ": " + CwlValues.formatNumber(n) + " does not fit in " + (isInt ? "32" : "64")
                    + " bits as required for " + type.name() + (isInt ? "; declare the input as long" : ""));
            return null;
        }
        return exact.longValueExact();
    }

    private static Object checkFile(CwlType type, Object value, String path, List<String> errors) {
        if (!(value instanceof Map<?, ?> map) || !"File".equals(map.get("class"))) {
            String got = value instanceof Map<?, ?> m
                    ? (m.containsKey("class") ? "an object with class " + CwlValues.describe(m.get("class"))
                    : "an object without \"class\": \"File\"")
                    : CwlValues.describe(value);
            errors.add(path + ": expected " + type + ", got " + got);
            return null;
        }
        int before = errors.size();
        for (String field : List.of("location", "path", "contents", "basename")) {
            Object v = map.get(field);
            if (v != null && !(v instanceof String)) {
                errors.add(path + "." + field + ": expected string, got " + CwlValues.describe(v));
            }
        }
        if (map.get("location") == null && map.get("path") == null && map.get("contents") == null) {
            errors.add(path + ": a File needs \"location\" or \"path\" (or \"contents\" for a file literal)");
        }
        return errors.size() == before ? normalize(value) : null;
    }

    /** The first alternative of a union the value fits, or null. */
    static CwlType alternativeFor(CwlType union, Object value) {
        for (CwlType alternative : union.alternatives()) {
            List<String> trial = new ArrayList<>();
            check(alternative, value, "", trial);
            if (trial.isEmpty()) {
                return alternative;
            }
        }
        return null;
    }

    /**
     * A record value is an object with a value for each field (optional fields may be left out,
     * then they are null); keys that are not fields are reported.
     */
    private static Object checkRecord(CwlType type, Object value, String path, List<String> errors) {
        if (!(value instanceof Map<?, ?> map) || map.containsKey("class")) {
            errors.add(path + ": expected a record with fields " + String.join(", ",
                    type.fields().stream().map(CwlType.Field::name).toList()) + ", got " + CwlValues.describe(value));
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (CwlType.Field field : type.fields()) {
            String at = path + "." + field.name();
            Object v = map.get(field.name());
            if (v == null && !acceptsNull(field.type())) {
                errors.add(at + ": missing required field (type " + field.type() + ")");
                continue;
            }
            out.put(field.name(), check(field.type(), v, at, errors));
        }
        for (Object key : map.keySet()) {
            String k = String.valueOf(key);
            if (type.fields().stream().noneMatch(f -> f.name().equals(k)) && !k.contains(":")) {
                errors.add(path + "." + k + ": unknown field '" + k + "'; the record's fields are: "
                        + String.join(", ", type.fields().stream().map(CwlType.Field::name).toList()));
            }
        }
        return out;
    }

    /**
     * A Directory needs a {@code location}, a {@code path} or a {@code listing} (a Directory
     * literal); every listing entry must be a File or a Directory itself.
     */
    private static Object checkDirectory(CwlType type, Object value, String path, List<String> errors) {
        if (!(value instanceof Map<?, ?> map) || !"Directory".equals(map.get("class"))) {
            String got = value instanceof Map<?, ?> m
                    ? (m.containsKey("class") ? "an object with class " + CwlValues.describe(m.get("class"))
                    : "an object without \"class\": \"Directory\"")
                    : CwlValues.describe(value);
            errors.add(path + ": expected " + type + ", got " + got);
            return null;
        }
        int before = errors.size();
        for (String field : List.of("location", "path", "basename")) {
            Object v = map.get(field);
            if (v != null && !(v instanceof String)) {
                errors.add(path + "." + field + ": expected string, got " + CwlValues.describe(v));
            }
        }
        Object listing = map.get("listing");
        if (listing != null) {
            if (!(listing instanceof List<?> entries)) {
                errors.add(path + ".listing: expected a list of Files and Directories, got "
                        + CwlValues.describe(listing));
            } else {
                for (int i = 0; i < entries.size(); i++) {
                    Object entry = entries.get(i);
                    String at = path + ".listing[" + i + "]";
                    Object cls = entry instanceof Map<?, ?> e ? e.get("class") : null;
                    if ("File".equals(cls)) {
                        checkFile(CwlType.of("File"), entry, at, errors);
                    } else if ("Directory".equals(cls)) {
                        checkDirectory(CwlType.of("Directory"), entry, at, errors);
                    } else {
                        errors.add(at + ": expected a File or a Directory, got " + CwlValues.describe(entry));
                    }
                }
            }
        }
        if (map.get("location") == null && map.get("path") == null && listing == null) {
            errors.add(path + ": a Directory needs \"location\" or \"path\" (or \"listing\" for a directory "
                    + "literal)");
        }
        return errors.size() == before ? normalize(value) : null;
    }

    /**
     * Whether a number was written without a fraction ({@code 42}, not {@code 42.0}): such values
     * keep their integral form as float or double, as cwltool's do, so that
     * 1000000000000000000000000000000000000000000 comes back unchanged instead of as 1e+42.
     */
    private static boolean integral(Number n, BigDecimal exact) {
        return exact != null && (n instanceof Long || n instanceof Integer || n instanceof Short
                || n instanceof Byte || n instanceof java.math.BigInteger
                || n instanceof BigDecimal && exact.scale() == 0);
    }

    /** Copy with integral numbers as Long (BigInteger beyond 64 bits) and other numbers as Double. */
    static Object normalize(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), normalize(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(normalize(v)));
            return copy;
        }
        if (value instanceof Number n && !(n instanceof Long) && !(n instanceof Double)) {
            if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
                return n.longValue();
            }
            BigDecimal exact = CwlValues.exactDecimal(n);
            if (exact != null && (n instanceof java.math.BigInteger || n instanceof BigDecimal && exact.scale() <= 0)
                    && exact.abs().compareTo(LONG_MAX) <= 0) {
                return exact.longValueExact();
            }
            if (integral(n, exact)) {
                return exact.toBigIntegerExact();
            }
            return n.doubleValue();
        }
        return value;
    }
}
