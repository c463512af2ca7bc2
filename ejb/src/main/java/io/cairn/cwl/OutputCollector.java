package io.cairn.cwl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Builds the CWL output object of a finished run from its output directory: globs (which may
 * contain parameter references) are matched relative to the output directory with
 * {@code java.nio} glob semantics and sorted; captured stdout/stderr become Files. If the tool
 * wrote {@code cwl.output.json}, that file is the output object instead: only its declared
 * outputs are kept, and every File or Directory in them, however deeply nested, must resolve
 * (symlinks followed) inside the output directory.
 *
 * <p>Nothing outside the output directory is ever returned: absolute patterns (other than ones
 * under {@code runtime.outdir}), patterns with {@code ..}, and symlinks resolving elsewhere are
 * rejected.
 */
public final class OutputCollector {

    static final String CWL_OUTPUT_JSON = "cwl.output.json";

    private OutputCollector() {
    }

    /**
     * @return output id → value: a File map {@code {class, path, basename}}, a list of them, null,
     *         or (from cwl.output.json) any value
     * @throws CwlException INVALID listing every problem found
     */
    public static Map<String, Object> collect(CommandLineTool tool, Path outdir, Map<String, Object> inputs,
                                              RuntimeContext runtime, BuiltCommand cmd) {
        return collect(tool, outdir, inputs, runtime, cmd, null);
    }

    /**
     * As {@link #collect(CommandLineTool, Path, Map, RuntimeContext, BuiltCommand)}, with the
     * tool's exit code, which {@code outputEval} sees as {@code runtime.exitCode}.
     */
    public static Map<String, Object> collect(CommandLineTool tool, Path outdir, Map<String, Object> inputs,
                                              RuntimeContext runtime, BuiltCommand cmd, Integer exitCode) {
        Path root = outdir.toAbsolutePath().normalize();
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw CwlException.invalid("the output directory " + root + " cannot be read: " + e.getMessage(), null,
                    null);
        }
        List<String> errors = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        Map<String, Object> result;
        if (Files.isRegularFile(root.resolve(CWL_OUTPUT_JSON), LinkOption.NOFOLLOW_LINKS)) {
            result = fromCwlOutputJson(tool, root, realRoot, inputFiles(inputs), errors, paths,
                    runtime == null ? null : runtime.outdir());
        } else {
            Map<String, Object> context = CommandLineBuilder.context(tool, inputs, runtime);
            @SuppressWarnings("unchecked")
            Map<String, Object> rt = new LinkedHashMap<>((Map<String, Object>) context.get("runtime"));
            rt.put("exitCode", exitCode == null ? null : (long) exitCode);
            context.put("runtime", rt);
            result = new LinkedHashMap<>();
            for (OutputParameter output : tool.outputs()) {
                int before = errors.size();
                List<String> problems = new ArrayList<>();
                Object value = collectOne(tool, output, root, realRoot, runtime, cmd, context, problems);
                value = withSecondaryFiles(tool, output, value, realRoot, context, problems);
                result.put(output.id(), withFormat(tool, output, value, context, problems));
                for (String p : problems) {
                    errors.add("outputs." + output.id() + ": " + p);
                }
                for (int i = before; i < errors.size(); i++) {
                    paths.add("outputs." + output.id());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw JobInputs.failure("output collection", errors, paths);
        }
        return result;
    }

    private static Object collectOne(CommandLineTool tool, OutputParameter output, Path root, Path realRoot,
                                     RuntimeContext runtime, BuiltCommand cmd, Map<String, Object> context,
                                     List<String> problems) {
        CwlType type = output.type();
        if (output.streamKind() != OutputParameter.StreamKind.NONE) {
            boolean out = output.streamKind() == OutputParameter.StreamKind.STDOUT;
            String name = out ? cmd.stdoutFile() : cmd.stderrFile();
            String stream = out ? "stdout" : "stderr";
            if (name == null) {
                problems.add("the command did not capture " + stream + " (BuiltCommand." + stream + "File is null)");
                return null;
            }
            Path file;
            try {
                file = root.resolve(name).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                problems.add("the captured " + stream + " file name '" + name + "' is not a valid path");
                return null;
            }
            if (!file.startsWith(root) || file.equals(root)) {
                problems.add("the captured " + stream + " file '" + name + "' is outside the output directory; "
                        + "refusing it");
                return null;
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                problems.add("the captured " + stream + " file '" + name + "' is missing from the output directory");
                return null;
            }
            Path real;
            try {
                real = file.toRealPath();
            } catch (IOException e) {
                problems.add("the captured " + stream + " file '" + name + "' is a broken symlink");
                return null;
            }
            if (!real.startsWith(realRoot)) {
                problems.add("the captured " + stream + " file '" + name + "' resolves to " + real
                        + ", outside the output directory; refusing it");
                return null;
            }
            if (!Files.isRegularFile(real)) {
                problems.add("the captured " + stream + " file '" + name + "' is not a regular file");
                return null;
            }
            return fileValue(file);
        }
        if (output.globs().isEmpty() && output.outputEval() == null && type.isRecord()
                && type.fields().stream().anyMatch(f -> f.output().hasBinding())) {
            Map<String, Object> record = new LinkedHashMap<>();
            for (CwlType.Field field : type.fields()) {
                List<String> fieldProblems = new ArrayList<>();
                Object value = collectOne(tool, field.output(), root, realRoot, runtime, cmd, context, fieldProblems);
                value = withSecondaryFiles(tool, field.output(), value, realRoot, context, fieldProblems);
                record.put(field.name(), withFormat(tool, field.output(), value, context, fieldProblems));
                fieldProblems.forEach(p -> problems.add("field " + field.name() + ": " + p));
            }
            return record;
        }
        if (output.globs().isEmpty() && output.outputEval() == null) {
            if (!JobInputs.acceptsNull(type)) {
                problems.add("output of type " + type + " has no glob, so its value must come from "
                        + CWL_OUTPUT_JSON + ", which the tool did not write");
            }
            return null;
        }
        List<Map<String, Object>> found = output.globs().isEmpty() ? new ArrayList<>()
                : glob(tool, output, root, realRoot, runtime, context, problems);
        if (found == null) {
            return null;
        }
        String where = "outputs." + output.id() + ".outputBinding";
        if (output.loadContents()) {
            for (Map<String, Object> f : found) {
                if ("File".equals(f.get("class"))) {
                    try {
                        f.put("contents", CwlValues.loadContents(Path.of((String) f.get("path")), where));
                    } catch (CwlException e) {
                        problems.add(e.reason());
                        return null;
                    }
                }
            }
        }
        if (output.outputEval() == null) {
            return fitToType(output, found, problems);
        }
        Object value;
        try {
            value = CommandLineBuilder.evaluate(tool, output.outputEval(), context,
                    CwlValues.withFileFields(found, where, new ArrayList<>()), where + ".outputEval", true);
        } catch (CwlException e) {
            problems.add(e.reason());
            return null;
        }
        List<String> errors = new ArrayList<>();
        Object checked = JobInputs.check(type, value, "outputs." + output.id(), errors);
        if (!errors.isEmpty()) {
            problems.add("outputEval " + output.outputEval() + " gave " + CwlValues.abbreviate(
                    CwlValues.describe(value)) + ", which does not fit: " + errors.get(0));
            return null;
        }
        return checked;
    }

    /**
     * Adds to each File of the value the secondary files its patterns name (or its expressions
     * give: names relative to the File's folder, or File and Directory objects by {@code path} or
     * {@code location}), found beside it; a missing required one is a problem, a missing optional
     * one is left out. Only files inside the output directory, and the run's own input Files, are
     * taken; an object's {@code basename} renames the file it names.
     */
    private static Object withSecondaryFiles(CommandLineTool tool, OutputParameter output, Object value,
                                             Path realRoot, Map<String, Object> context, List<String> problems) {
        if (output.secondaryFiles().isEmpty() || value == null) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(withSecondaryFiles(tool, output, v, realRoot, context, problems)));
            return out;
        }
        if (!(value instanceof Map<?, ?> map) || !"File".equals(map.get("class"))
                || !(map.get("path") instanceof String path)) {
            return value;
        }
        Map<String, Object> file = new LinkedHashMap<>();
        map.forEach((k, v) -> file.put(String.valueOf(k), v));
        List<Object> secondary = new ArrayList<>();
        if (file.get("secondaryFiles") instanceof List<?> given) {
            secondary.addAll(given);
        }
        Path primary = Path.of(path);
        String declared = "outputs." + output.id() + ".secondaryFiles";
        for (int i = 0; i < output.secondaryFiles().size(); i++) {
            SecondaryFile pattern = output.secondaryFiles().get(i);
            String at = tool.lineOf(declared + "[" + i + "]") != null ? declared + "[" + i + "]" : declared;
            List<SecondaryFiles.Wanted> wanted;
            try {
                wanted = SecondaryFiles.wanted(tool, pattern, file, context, at);
            } catch (CwlException e) {
                problems.add(e.reason());
                continue;
            }
            for (SecondaryFiles.Wanted w : wanted) {
                Path candidate;
                String name;
                if (w.object() == null) {
                    name = w.name();
                    candidate = primary.resolveSibling(name).normalize();
                } else {
                    Object ref = w.object().get("path") instanceof String p ? p : w.object().get("location");
                    if (!(ref instanceof String s) || s.isEmpty()) {
                        problems.add("secondaryFiles " + w.pattern() + " gave a " + w.object().get("class")
                                + " without path or location");
                        continue;
                    }
                    try {
                        candidate = (s.regionMatches(true, 0, "file://", 0, 7) ? Path.of(URI.create(s))
                                : primary.resolveSibling(s)).toAbsolutePath().normalize();
                    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                        problems.add("secondaryFiles " + w.pattern() + " gave '" + s
                                + "', which is not a path or file URI");
                        continue;
                    }
                    name = s;
                }
                if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    if (w.required()) {
                        problems.add("secondary file '" + name + "' (pattern " + w.pattern() + ") of '"
                                + primary.getFileName() + "' is missing");
                    }
                    continue;
                }
                Path real;
                try {
                    real = candidate.toRealPath();
                } catch (IOException e) {
                    problems.add("secondary file '" + name + "' is a broken symlink");
                    continue;
                }
                boolean input = !real.startsWith(realRoot) && w.object() != null && Files.isRegularFile(real)
                        && inputFiles(context == null ? null : context.get("inputs")).stream()
                        .anyMatch(p -> realOf(p).equals(real));
                if (!real.startsWith(realRoot) && !input) {
                    problems.add("secondary file '" + name + "' resolves to " + real
                            + ", outside the output directory; refusing it");
                    continue;
                }
                Map<String, Object> found = Files.isDirectory(real)
                        ? directoryValue(candidate, realRoot, name, problems) : fileValue(candidate);
                if (w.object() != null && w.object().get("basename") instanceof String b && !b.isEmpty()) {
                    found.put("basename", b);
                }
                secondary.add(found);
            }
        }
        file.put("secondaryFiles", secondary);
        return file;
    }

    private static Path realOf(String path) {
        try {
            return Path.of(path).toRealPath();
        } catch (IOException | InvalidPathException e) {
            return Path.of(path).toAbsolutePath().normalize();
        }
    }

    /**
     * Gives the output's declared {@code format} (the first one, evaluated with {@code self} bound
     * to the File when it holds parameter references, namespace prefix expanded) to each File of
     * the value that has none.
     */
    private static Object withFormat(CommandLineTool tool, OutputParameter output, Object value,
                                     Map<String, Object> context, List<String> problems) {
        if (output.format().isEmpty() || value == null) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(withFormat(tool, output, v, context, problems)));
            return out;
        }
        if (!(value instanceof Map<?, ?> map) || !"File".equals(map.get("class")) || map.get("format") != null) {
            return value;
        }
        Map<String, Object> file = new LinkedHashMap<>();
        map.forEach((k, v) -> file.put(String.valueOf(k), v));
        String where = "outputs." + output.id() + ".format";
        Object format;
        try {
            format = CommandLineBuilder.evaluate(tool, output.format().get(0), context,
                    CwlValues.withFileFields(file, where, new ArrayList<>()), where);
        } catch (CwlException e) {
            problems.add(e.reason());
            return value;
        }
        if (format != null && !(format instanceof String)) {
            problems.add("format " + output.format().get(0) + " evaluated to " + CwlValues.describe(format)
                    + "; expected a string");
            return value;
        }
        if (format != null) {
            file.put("format", tool.expandFormat((String) format));
        }
        return file;
    }

    /** What the element type of a glob output is: File, Directory or (for Any and the like) null. */
    private static String globClass(CwlType type) {
        CwlType element = type.isArray() ? type.items() : type;
        return element.isFile() ? "File" : element.isDirectory() ? "Directory" : null;
    }

    /**
     * The Files and Directories an output's globs match, sorted by path for each pattern, the
     * patterns in order; null when a problem was
     * added.
     */
    private static List<Map<String, Object>> glob(CommandLineTool tool, OutputParameter output, Path root,
                                                  Path realRoot, RuntimeContext runtime, Map<String, Object> context,
                                                  List<String> problems) {
        CwlType type = output.type();
        // with outputEval the type is the expression's result's: the glob may match anything
        // (listing_outputBinding_loadListing globs '.' for a File output)
        String wanted = output.outputEval() != null ? null : globClass(type);
        // sorted within each pattern, patterns in their order (as the reference runner gives them)
        java.util.LinkedHashSet<String> matches = new java.util.LinkedHashSet<>();
        List<String> patternsUsed = new ArrayList<>();
        for (int g = 0; g < output.globs().size(); g++) {
            String where = output.globs().size() == 1 ? "outputs." + output.id() + ".outputBinding.glob"
                    : "outputs." + output.id() + ".outputBinding.glob[" + g + "]";
            Object evaluated;
            try {
                evaluated = CommandLineBuilder.evaluate(tool, output.globs().get(g), context, null, where);
            } catch (CwlException e) {
                problems.add(e.reason());
                continue;
            }
            List<Object> patterns = evaluated instanceof List<?> l ? new ArrayList<>(l) : List.of(evaluated);
            for (Object pattern : patterns) {
                if (!(pattern instanceof String s)) {
                    problems.add("glob " + output.globs().get(g) + " evaluated to " + CwlValues.describe(pattern)
                            + "; expected a string or a list of strings");
                    continue;
                }
                patternsUsed.add(s);
                TreeSet<String> matched = new TreeSet<>();
                match(s, root, runtime, !"File".equals(wanted), matched, problems);
                matches.addAll(matched);
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        List<Map<String, Object>> found = new ArrayList<>();
        for (String rel : matches) {
            Path candidate = rel.isEmpty() ? root : root.resolve(rel);
            Path real;
            try {
                real = candidate.toRealPath();
            } catch (IOException e) {
                problems.add("'" + rel + "' is a broken symlink");
                continue;
            }
            if (!real.startsWith(realRoot)) {
                problems.add("'" + rel + "' resolves to " + real + ", outside the output directory; refusing it");
                continue;
            }
            boolean directory = Files.isDirectory(real);
            if ("File".equals(wanted) && directory) {
                problems.add("type " + type + " expects files, but '" + rel + "' is a directory");
                continue;
            }
            if ("Directory".equals(wanted) && !directory) {
                problems.add("type " + type + " expects directories, but '" + rel + "' is a file");
                continue;
            }
            found.add(directory ? directoryValue(candidate, realRoot, rel.isEmpty() ? "." : rel, problems)
                    : fileValue(candidate));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return found;
    }

    /** The matched Files/Directories as the output's type wants them: one, an optional one, or a list. */
    private static Object fitToType(OutputParameter output, List<Map<String, Object>> found, List<String> problems) {
        CwlType type = output.type();
        String globText = String.join(", ", output.globs().stream().map(p -> "'" + p + "'").toList());
        String what = "Directory".equals(globClass(type)) ? "directory" : "file";
        if (type.isArray()) {
            return found;
        }
        if (found.isEmpty()) {
            if (!type.optional()) {
                problems.add("glob " + globText + " matched no " + what + " in the output directory");
            }
            return null;
        }
        if (found.size() > 1) {
            problems.add("type " + type + " needs exactly one " + what + ", but glob " + globText + " matched "
                    + found.size() + ": " + String.join(", ", found.stream()
                    .map(f -> (String) f.get("basename")).toList()));
            return null;
        }
        return found.get(0);
    }

    /** Adds the paths (relative to root, '/'-separated) matching one pattern. */
    private static void match(String rawPattern, Path root, RuntimeContext runtime, boolean rootAllowed,
                              TreeSet<String> matches, List<String> problems) {
        String pattern = rawPattern;
        if (pattern.startsWith("/")) {
            String relative = relativeTo(pattern, runtime == null ? null : runtime.outdir());
            if (relative == null) {
                relative = relativeTo(pattern, root.toString());
            }
            if (relative == null) {
                problems.add("glob '" + rawPattern + "' is an absolute path outside the output directory; globs are "
                        + "matched relative to the output directory");
                return;
            }
            pattern = relative;
        }
        List<String> segments = new ArrayList<>();
        for (String segment : pattern.split("/+")) {
            if (segment.equals("..")) {
                problems.add("glob '" + rawPattern + "' leaves the output directory ('..' is not allowed)");
                return;
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        if (segments.isEmpty()) {
            if (rootAllowed) {
                matches.add("");
            } else {
                problems.add("glob '" + rawPattern + "' names the output directory itself, not a file");
            }
            return;
        }
        String normalized = String.join("/", segments);
        if (!hasGlobSyntax(normalized)) {
            if (Files.exists(root.resolve(normalized), LinkOption.NOFOLLOW_LINKS)) {
                matches.add(normalized);
            }
            return;
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + normalized);
        } catch (IllegalArgumentException e) {
            problems.add("glob '" + rawPattern + "' is not a valid pattern: " + e.getMessage());
            return;
        }
        int depth = normalized.contains("**") ? Integer.MAX_VALUE : segments.size();
        try (Stream<Path> walk = Files.walk(root, depth)) {
            walk.filter(p -> !p.equals(root))
                    .map(root::relativize)
                    .filter(matcher::matches)
                    .forEach(rel -> matches.add(rel.toString().replace('\\', '/')));
        } catch (IOException | UncheckedIOException e) {
            problems.add("cannot search the output directory for '" + rawPattern + "': " + e.getMessage());
        }
    }

    private static String relativeTo(String pattern, String dir) {
        if (dir == null || dir.isEmpty()) {
            return null;
        }
        String base = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        if (pattern.equals(base)) {
            return "";
        }
        return pattern.startsWith(base + "/") ? pattern.substring(base.length() + 1) : null;
    }

    private static boolean hasGlobSyntax(String pattern) {
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /**
     * A Directory value with its complete listing (entries sorted by name, subdirectories
     * listed too). Entries that are broken symlinks or resolve outside the output directory are
     * reported.
     */
    public static Map<String, Object> directoryValue(Path dir, Path realRoot, String rel, List<String> problems) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("class", "Directory");
        value.put("path", dir.toAbsolutePath().normalize().toString());
        value.put("basename", dir.getFileName().toString());
        List<Map<String, Object>> listing = new ArrayList<>();
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            problems.add("cannot list the directory '" + rel + "': " + e.getMessage());
            return value;
        }
        for (Path child : children) {
            String childRel = rel.equals(".") ? child.getFileName().toString() : rel + "/" + child.getFileName();
            Path real;
            try {
                real = child.toRealPath();
            } catch (IOException e) {
                problems.add("'" + childRel + "' is a broken symlink");
                continue;
            }
            if (!real.startsWith(realRoot)) {
                problems.add("'" + childRel + "' resolves to " + real + ", outside the output directory; refusing it");
                continue;
            }
            listing.add(Files.isDirectory(real) ? directoryValue(child, realRoot, childRel, problems)
                    : fileValue(child));
        }
        value.put("listing", listing);
        return value;
    }

    public static Map<String, Object> fileValue(Path file) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("class", "File");
        value.put("path", file.toAbsolutePath().normalize().toString());
        value.put("basename", file.getFileName().toString());
        return value;
    }

    // ---------------------------------------------------------------- cwl.output.json

    /** The paths of the Files of the run's inputs (also in listings and secondaryFiles). */
    private static java.util.Set<String> inputFiles(Object value) {
        java.util.Set<String> out = new java.util.HashSet<>();
        collectInputFiles(value, out);
        return out;
    }

    private static void collectInputFiles(Object value, java.util.Set<String> out) {
        if (value instanceof Map<?, ?> map) {
            if ("File".equals(map.get("class")) && map.get("path") instanceof String p) {
                out.add(Path.of(p).toAbsolutePath().normalize().toString());
            }
            map.values().forEach(v -> collectInputFiles(v, out));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectInputFiles(v, out));
        }
    }

    private static Map<String, Object> fromCwlOutputJson(CommandLineTool tool, Path root, Path realRoot,
                                                         java.util.Set<String> inputFiles,
                                                         List<String> errors, List<String> paths,
                                                         String toolOutdir) {
        Object parsed;
        try {
            String text = Files.readString(root.resolve(CWL_OUTPUT_JSON), StandardCharsets.UTF_8);
            parsed = YamlNode.parse(text).toPlain();
        } catch (IOException e) {
            errors.add(CWL_OUTPUT_JSON + ": cannot be read: " + e.getMessage());
            paths.add(CWL_OUTPUT_JSON);
            return Map.of();
        } catch (CwlException e) {
            errors.add(CWL_OUTPUT_JSON + ": " + e.getMessage());
            paths.add(CWL_OUTPUT_JSON);
            return Map.of();
        }
        if (!(parsed instanceof Map<?, ?> object)) {
            errors.add(CWL_OUTPUT_JSON + ": must hold a JSON object, not " + CwlValues.describe(parsed));
            paths.add(CWL_OUTPUT_JSON);
            return Map.of();
        }
        // Only declared outputs are returned (CWL: the output object holds the tool's outputs);
        // anything else the tool wrote to cwl.output.json is dropped unseen.
        Map<String, Object> result = new LinkedHashMap<>();
        for (OutputParameter output : tool.outputs()) {
            String path = "outputs." + output.id();
            int before = errors.size();
            Object value = localizeFiles(inOutdir(object.get(output.id()), toolOutdir, root), root, realRoot,
                    inputFiles, path, errors);
            if (errors.size() == before) {
                value = JobInputs.check(output.type(), value, path, errors);
            }
            for (int i = before; i < errors.size(); i++) {
                paths.add(path);
            }
            result.put(output.id(), errors.size() == before ? value : null);
        }
        return result;
    }

    /**
     * A value from cwl.output.json with the {@code path} and {@code location} of its Files and Directories that
     * name the output folder as the tool saw it ({@code runtime.outdir}, inside a container when that is elsewhere
     * than the folder's own path) changed to the folder itself; anything else is left as it is.
     */
    static Object inOutdir(Object value, String toolOutdir, Path root) {
        if (toolOutdir == null || Path.of(toolOutdir).normalize().equals(root)) {
            return value;
        }
        String prefix = toolOutdir.replaceAll("/+$", "") + "/";
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(inOutdir(v, toolOutdir, root)));
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        boolean fileOrDirectory = "File".equals(map.get("class")) || "Directory".equals(map.get("class"));
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            Object changed = inOutdir(v, toolOutdir, root);
            if (fileOrDirectory && ("path".equals(k) || "location".equals(k)) && v instanceof String s) {
                String bare = s.regionMatches(true, 0, "file://", 0, 7) ? s.substring(7) : s;
                if (bare.startsWith(prefix)) {
                    changed = root.resolve(bare.substring(prefix.length())).toString();
                }
            }
            out.put(String.valueOf(k), changed);
        });
        return out;
    }

    /**
     * Copy of a value from cwl.output.json in which every File or Directory object, at any depth
     * (in lists, in maps, in secondaryFiles), is replaced by one whose path is inside the output
     * directory, with symbolic links resolved; any other is reported and becomes null.
     */
    private static Object localizeFiles(Object value, Path root, Path realRoot, java.util.Set<String> inputFiles,
                                        String where, List<String> errors) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(localizeFiles(list.get(i), root, realRoot, inputFiles, where + "[" + i + "]", errors));
            }
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        Object cls = map.get("class");
        if ("File".equals(cls) || "Directory".equals(cls)) {
            return localizeFile(map, (String) cls, root, realRoot, inputFiles, where, errors);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k),
                localizeFiles(v, root, realRoot, inputFiles, where + "." + k, errors)));
        return out;
    }

    private static Map<String, Object> localizeFile(Map<?, ?> file, String cls, Path root, Path realRoot,
                                                    java.util.Set<String> inputFiles, String where,
                                                    List<String> errors) {
        boolean isFile = "File".equals(cls);
        Object ref = file.get("path") != null ? file.get("path") : file.get("location");
        if (!(ref instanceof String s) || s.isEmpty()) {
            errors.add(where + ": a " + cls + " in " + CWL_OUTPUT_JSON + " needs \"path\" or \"location\"");
            return null;
        }
        Path target;
        try {
            if (s.regionMatches(true, 0, "file://", 0, 7)) {
                target = Path.of(URI.create(s));
            } else if (s.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
                errors.add(where + ": location '" + s + "' is not a " + (isFile ? "file" : "directory")
                        + " in the output directory");
                return null;
            } else {
                target = root.resolve(s);
            }
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            errors.add(where + ": '" + s + "' is not a valid path or file URI");
            return null;
        }
        target = target.toAbsolutePath().normalize();
        if (isFile && !target.startsWith(root) && inputFiles.contains(target.toString())
                && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            // handing an input File back as an output (CWL allows it); only the run's own staged inputs
            Map<String, Object> out = fileValue(target);
            if (file.get("format") instanceof String format) {
                out.put("format", format);
            }
            return out;
        }
        if (!target.startsWith(root)) {
            errors.add(where + ": '" + s + "' is outside the output directory");
            return null;
        }
        if (target.equals(root)) {
            errors.add(where + ": '" + s + "' names the output directory itself");
            return null;
        }
        Path real;
        try {
            real = target.toRealPath();
        } catch (IOException e) {
            errors.add(where + ": '" + s + "' does not exist in the output directory");
            return null;
        }
        if (!real.startsWith(realRoot)) {
            errors.add(where + ": '" + s + "' resolves to " + real + ", outside the output directory");
            return null;
        }
        if (isFile ? !Files.isRegularFile(real) : !Files.isDirectory(real)) {
            errors.add(where + ": '" + s + "' is not a " + (isFile ? "regular file" : "directory"));
            return null;
        }
        if (!isFile) {
            List<String> problems = new ArrayList<>();
            Map<String, Object> dir = directoryValue(target, realRoot, s, problems);
            problems.forEach(p -> errors.add(where + ": " + p));
            return dir;
        }
        Map<String, Object> out = fileValue(target);
        if (isFile && file.get("format") instanceof String format) {
            out.put("format", format);
        }
        if (isFile && file.get("secondaryFiles") instanceof List<?> secondary) {
            List<Object> localized = new ArrayList<>(secondary.size());
            for (int i = 0; i < secondary.size(); i++) {
                String at = where + ".secondaryFiles[" + i + "]";
                Object item = secondary.get(i);
                if (item instanceof Map<?, ?> m && ("File".equals(m.get("class")) || "Directory".equals(m.get("class")))) {
                    localized.add(localizeFile(m, (String) m.get("class"), root, realRoot, inputFiles, at, errors));
                } else {
                    errors.add(at + ": expected a File or Directory, got " + CwlValues.describe(item));
                }
            }
            out.put("secondaryFiles", localized);
        }
        return out;
    }
}
