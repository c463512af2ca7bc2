package io.cairn.cwl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the argv, stream redirections and environment of a tool run, following the CWL input
 * binding rules: {@code baseCommand} first, then the bindings of {@code arguments} and inputs
 * sorted by the key {@code [position, index]} (arguments) or {@code [position, input name]}
 * (inputs), numbers sorting before strings, so at equal position arguments come first.
 */
public final class CommandLineBuilder {

    private CommandLineBuilder() {
    }

    /** One binding waiting for its place on the command line. */
    private record Pending(List<Object> key, CommandLineBinding binding, Object value, CwlType type, String path) {
    }

    /**
     * @param inputs resolved inputs (see {@link JobInputs#resolve}) whose Files have an absolute
     *               {@code path}; not modified
     * @throws CwlException INVALID when a reference cannot be evaluated or a value is unusable
     */
    public static BuiltCommand build(CommandLineTool tool, Map<String, Object> inputs, RuntimeContext runtime) {
        Map<String, Object> context = context(tool, inputs, runtime);
        List<Pending> pending = new ArrayList<>();
        for (int i = 0; i < tool.arguments().size(); i++) {
            CommandLineBinding binding = tool.arguments().get(i);
            String path = "arguments[" + i + "]";
            String where = tool.lineOf(path + ".valueFrom") != null ? path + ".valueFrom" : path;
            Object value = evaluate(tool, binding.valueFrom(), context, null, where);
            pending.add(new Pending(List.of(position(tool, binding, context, null, path), i), binding, value, null,
                    path));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> inputValues = (Map<String, Object>) context.get("inputs");
        for (InputParameter input : tool.inputs()) {
            CommandLineBinding binding = input.binding();
            if (binding == null && !input.type().hasNestedBinding()) {
                continue;
            }
            String path = "inputs." + input.id() + ".inputBinding";
            Object value = inputValues.get(input.id());
            // a union binds as the alternative its value takes (the first it fits), as cwltool does
            CwlType type = input.type().isUnion() && value != null ? JobInputs.alternativeFor(input.type(), value)
                    : input.type();
            if (binding == null && type != null && type.isRecord() && value instanceof Map<?, ?> record
                    && !CwlValues.isFileOrDirectory(record)) {
                // a record without a binding of its own: its fields' bindings sort among the
                // tool's arguments and inputs by their own positions (as cwltool does)
                pending.addAll(fieldBindings(type, record, tool, context, "inputs." + input.id()));
                continue;
            }
            if (binding == null) {
                binding = new CommandLineBinding(null, null, true, null, null);
            }
            int position = position(tool, binding, context, value, path);
            if (binding.valueFrom() != null && value != null) {
                value = evaluate(tool, binding.valueFrom(), context, value, path + ".valueFrom");
                type = null;
            }
            pending.add(new Pending(List.of(position, input.id()), binding, value, type, path));
        }
        pending.sort(Comparator.comparing(Pending::key, CommandLineBuilder::compareKeys));

        List<String> argv = new ArrayList<>(tool.baseCommand());
        List<Boolean> quoted = new ArrayList<>();
        tool.baseCommand().forEach(c -> quoted.add(true));
        for (Pending p : pending) {
            emit(argv, p.binding(), p.value(), p.type(), tool, context, p.path());
            while (quoted.size() < argv.size()) {
                quoted.add(p.binding() == null || p.binding().shellQuote());
            }
        }
        if (argv.isEmpty()) {
            throw CwlException.invalid("the command line is empty: the tool has no baseCommand and no bound "
                    + "argument produced a value", "baseCommand", null);
        }
        if (tool.shellCommand()) {
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < argv.size(); i++) {
                script.append(i == 0 ? "" : " ").append(quoted.get(i) ? shellQuote(argv.get(i)) : argv.get(i));
            }
            argv = List.of("/bin/sh", "-c", script.toString());
        }
        String stdin = stdinPath(tool, context);
        String stdout = streamFile(tool, tool.stdout(), OutputParameter.StreamKind.STDOUT, context, "stdout");
        String stderr = streamFile(tool, tool.stderr(), OutputParameter.StreamKind.STDERR, context, "stderr");
        Map<String, String> env = new LinkedHashMap<>();
        tool.envDef().forEach((name, raw) -> env.put(name,
                CwlValues.toText(evaluate(tool, raw, context, null, "envDef." + name))));
        return new BuiltCommand(argv, stdin, stdout, stderr, env);
    }

    /**
     * The evaluation context: {@code inputs} (every declared input present, Files with derived
     * name fields), {@code runtime} and {@code self} (null).
     */
    static Map<String, Object> context(CommandLineTool tool, Map<String, Object> inputs, RuntimeContext runtime) {
        return context(tool, inputs, runtime, true);
    }

    /** Without {@code withResources}, the runtime sizes are left out (for evaluating the resources themselves). */
    static Map<String, Object> context(CommandLineTool tool, Map<String, Object> inputs, RuntimeContext runtime,
                                       boolean withResources) {
        List<String> errors = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> given = inputs == null ? Map.of() : inputs;
        for (InputParameter input : tool.inputs()) {
            Object value = CwlValues.withFileFields(given.get(input.id()), "inputs." + input.id(), errors);
            values.put(input.id(), listing(value, tool.loadListing(input.id()), false));
        }
        given.forEach((k, v) -> values.putIfAbsent(k, CwlValues.deepCopy(v)));
        if (!errors.isEmpty()) {
            List<String> paths = errors.stream().map(e -> e.substring(0, e.indexOf(':'))).toList();
            throw JobInputs.failure("input object", errors, paths);
        }
        ResourceRequirement resources = withResources ? tool.resourcesFor(given, runtime)
                : ResourceRequirement.DEFAULTS;
        Map<String, Object> rt = new LinkedHashMap<>();
        rt.put("outdir", runtime.outdir());
        rt.put("tmpdir", runtime.tmpdir());
        rt.put("cores", (long) runtime.cores());
        rt.put("ram", runtime.ram());
        rt.put("outdirSize", resources.minOutdirMiB());
        rt.put("tmpdirSize", resources.minTmpdirMiB());
        Map<String, Object> context = new HashMap<>();
        context.put("inputs", values);
        context.put("self", null);
        context.put("runtime", rt);
        return context;
    }

    /**
     * A value with the loaded listings of its Directories ({@link JobInputs#LISTING_LOADED}) cut
     * to the depth: {@code no_listing} drops them, {@code shallow_listing} keeps the entries but
     * not the listings of Directories among them, {@code deep_listing} keeps everything. Listings
     * given in the job stay; the mark is removed.
     *
     * @param below whether the value lies in the listing of a loaded, shallowly listed Directory
     */
    static Object listing(Object value, String depth, boolean below) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(listing(v, depth, below)));
            return out;
        }
        if (!(value instanceof Map<?, ?> map) || "File".equals(map.get("class"))) {
            return value;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        boolean loaded = Boolean.TRUE.equals(out.remove(JobInputs.LISTING_LOADED));
        if ("Directory".equals(out.get("class")) && loaded
                && ("no_listing".equals(depth) || below && "shallow_listing".equals(depth))) {
            out.remove("listing");
            return out;
        }
        boolean shallow = "Directory".equals(out.get("class")) && loaded;
        out.replaceAll((k, v) -> listing(v, depth, below || shallow));
        return out;
    }

    static Object evaluate(CommandLineTool tool, String text, Map<String, Object> context, Object self, String path) {
        return evaluate(tool, text, context, self, path, false);
    }

    /** With {@code bindSelf}, {@code self} is set even when null (outputEval always binds it). */
    static Object evaluate(CommandLineTool tool, String text, Map<String, Object> context, Object self, String path,
                           boolean bindSelf) {
        Map<String, Object> ctx = context;
        if (self != null || bindSelf) {
            ctx = new HashMap<>(context);
            ctx.put("self", self);
        }
        if (tool.javascript() && ParameterReferences.mayContainReferences(text)) {
            try {
                return DagPlanner.JAVASCRIPT.evaluate(text, ctx, tool.expressionLib());
            } catch (CwlException e) {
                throw CwlException.invalid(e.reason(), path, tool.lineOf(path));
            }
        }
        return ParameterReferences.evaluate(text, ctx, path, tool.lineOf(path));
    }

    /**
     * The sort position of a binding: its number, or the value of its position expression with
     * {@code self} bound to the value (null counts as the default 0).
     *
     * @throws CwlException INVALID when the expression gives something other than an integer
     */
    private static int position(CommandLineTool tool, CommandLineBinding binding, Map<String, Object> context,
                                Object self, String path) {
        if (binding.positionExpression() == null) {
            return binding.sortPosition();
        }
        String where = path + ".position";
        Object value = evaluate(tool, binding.positionExpression(), context, self, where, true);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n) {
            java.math.BigDecimal exact = CwlValues.exactDecimal(n);
            if (exact != null && exact.stripTrailingZeros().scale() <= 0
                    && exact.abs().compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return exact.stripTrailingZeros().intValueExact();
            }
        }
        throw CwlException.invalid("'position' must evaluate to an integer, got " + CwlValues.describe(value),
                where, tool.lineOf(where));
    }

    /** Element-wise; numbers before strings; strings by code point (= UTF-8 byte order); shorter first. */
    static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x instanceof Number nx && y instanceof Number ny) {
                c = Long.compare(nx.longValue(), ny.longValue());
            } else if (x instanceof Number) {
                c = -1;
            } else if (y instanceof Number) {
                c = 1;
            } else {
                c = compareCodePoints((String) x, (String) y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareCodePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int cx = x.codePointAt(i);
            int cy = y.codePointAt(j);
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
            i += Character.charCount(cx);
            j += Character.charCount(cy);
        }
        return Integer.compare(x.length() - i, y.length() - j);
    }

    private static void emit(List<String> argv, CommandLineBinding binding, Object value, CwlType type,
                             CommandLineTool tool, Map<String, Object> context, String path) {
        String prefix = binding == null ? null : binding.prefix();
        boolean separate = binding == null || binding.separate();
        if (value == null) {
            return;
        }
        if (type != null && type.isUnion()) {
            type = JobInputs.alternativeFor(type, value);
        }
        if (value instanceof Boolean b) {
            if (b && prefix != null) {
                argv.add(prefix);
            }
            return;
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return;
            }
            if (binding != null && binding.itemSeparator() != null) {
                List<String> parts = new ArrayList<>();
                for (Object item : list) {
                    if (item != null) {
                        parts.add(text(item));
                    }
                }
                add(argv, prefix, separate, String.join(binding.itemSeparator(), parts));
                return;
            }
            if (prefix != null) {
                argv.add(prefix);
            }
            CwlType itemType = type != null && type.isArray() ? type.items() : null;
            CommandLineBinding itemBinding = type != null && type.isArray() ? type.itemBinding() : null;
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                CwlType effectiveType = itemType;
                if (itemBinding != null && itemBinding.valueFrom() != null && item != null) {
                    item = evaluate(tool, itemBinding.valueFrom(), context, item, path + "[" + i + "].valueFrom");
                    effectiveType = null;
                }
                emit(argv, itemBinding, item, effectiveType, tool, context, path + "[" + i + "]");
            }
            return;
        }
        if (value instanceof Map<?, ?> map && type != null && type.isRecord() && !CwlValues.isFileOrDirectory(map)) {
            if (prefix != null) {
                argv.add(prefix);
            }
            emitFields(argv, type, map, tool, context, path);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            if (CwlValues.isFileOrDirectory(map)) {
                add(argv, prefix, separate, text(map));
            } else if (prefix != null) {
                argv.add(prefix);
            }
            return;
        }
        add(argv, prefix, separate, text(value));
    }

    /**
     * The fields of a record value that have an inputBinding (or bindings below them), sorted by
     * {@code [position, field name]} among themselves, as CWL sorts at each level.
     */
    private static void emitFields(List<String> argv, CwlType type, Map<?, ?> record, CommandLineTool tool,
                                   Map<String, Object> context, String path) {
        List<Pending> pending = fieldBindings(type, record, tool, context, path);
        pending.sort(Comparator.comparing(Pending::key, CommandLineBuilder::compareKeys));
        for (Pending p : pending) {
            emit(argv, p.binding(), p.value(), p.type(), tool, context, p.path());
        }
    }

    /** The bindings of the fields of a record value, keyed {@code [position, field name]}, unsorted. */
    private static List<Pending> fieldBindings(CwlType type, Map<?, ?> record, CommandLineTool tool,
                                               Map<String, Object> context, String path) {
        List<Pending> pending = new ArrayList<>();
        for (CwlType.Field field : type.fields()) {
            InputParameter f = field.input();
            if (f == null || (f.binding() == null && !f.type().hasNestedBinding())) {
                continue;
            }
            CommandLineBinding binding = f.binding() != null ? f.binding()
                    : new CommandLineBinding(null, null, true, null, null);
            String at = path + "." + field.name();
            Object value = record.get(field.name());
            CwlType fieldType = f.type();
            int position = position(tool, binding, context, value, at);
            if (binding.valueFrom() != null && value != null) {
                value = evaluate(tool, binding.valueFrom(), context, value, at + ".valueFrom");
                fieldType = null;
            }
            pending.add(new Pending(List.of(position, field.name()), binding, value, fieldType, at));
        }
        return pending;
    }

    /**
     * The text as one shell word: unchanged when it consists only of characters the shell does
     * not interpret, otherwise in single quotes (a single quote inside becomes {@code '\''}).
     */
    static String shellQuote(String text) {
        if (!text.isEmpty() && text.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || "@%+=:,./_-".indexOf(c) >= 0)) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** A single value as one command line element: File or Directory → its path, numbers in plain decimal. */
    private static String text(Object value) {
        if (CwlValues.isFileOrDirectory(value)) {
            Object path = ((Map<?, ?>) value).get("path");
            return path == null ? "null" : path.toString();
        }
        return CwlValues.toText(value);
    }

    private static void add(List<String> argv, String prefix, boolean separate, String value) {
        if (prefix == null) {
            argv.add(value);
        } else if (separate) {
            argv.add(prefix);
            argv.add(value);
        } else {
            argv.add(prefix + value);
        }
    }

    private static String stdinPath(CommandLineTool tool, Map<String, Object> context) {
        if (tool.stdin() == null) {
            return null;
        }
        Object value = evaluate(tool, tool.stdin(), context, null, "stdin");
        if (CwlValues.isFile(value)) {
            value = ((Map<?, ?>) value).get("path");
        }
        if (value == null) {
            return null;
        }
        if (!(value instanceof String path) || !path.startsWith("/")) {
            throw CwlException.invalid("stdin must evaluate to an absolute file path, got "
                    + CwlValues.describe(value), "stdin", tool.lineOf("stdin"));
        }
        return path;
    }

    private static String streamFile(CommandLineTool tool, String raw, OutputParameter.StreamKind kind,
                                     Map<String, Object> context, String field) {
        if (raw == null) {
            boolean captured = tool.outputs().stream().anyMatch(o -> o.streamKind() == kind);
            return captured ? generatedName(tool, field) : null;
        }
        Object value = evaluate(tool, raw, context, null, field);
        if (!(value instanceof String name) || name.isEmpty() || name.contains("/") || name.equals(".")
                || name.equals("..")) {
            throw CwlException.invalid(field + " must evaluate to a plain file name (no '/'), got "
                    + CwlValues.describe(value), field, tool.lineOf(field));
        }
        return name;
    }

    /** A name that looks random but is the same for every run of the same tool. */
    private static String generatedName(CommandLineTool tool, String field) {
        StringBuilder seed = new StringBuilder(field);
        seed.append('\0').append(tool.id()).append('\0').append(String.join("\0", tool.baseCommand()));
        tool.outputs().forEach(o -> seed.append('\0').append(o.id()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(field).append('_');
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
