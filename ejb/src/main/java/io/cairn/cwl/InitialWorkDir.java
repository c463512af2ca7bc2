package io.cairn.cwl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code InitialWorkDirRequirement}: evaluates the listing into the entries to place in the
 * output (work) folder before the tool runs. An entry is a File or Directory object to copy
 * there (under its basename or the Dirent's {@code entryname}), or a file to write with given
 * text. Entries that evaluate to null are left out; arrays are flattened.
 *
 * <p>Every entry name is a relative path that stays inside the work folder ({@code a/b.txt},
 * not {@code ../b.txt}); an absolute name under {@code runtime.outdir} counts as relative to it.
 * Other absolute names are accepted only for a tool that requires DockerRequirement (CWL allows
 * them only then): such an entry is mounted at that path inside the container, never placed
 * there on the host; for any other tool they are INVALID. A Dirent whose {@code entry} is a string that is one expression giving a
 * File or Directory stages that object; any other non-string value is written as JSON (keys
 * sorted, {@code ", "} and {@code ": "} separators, as the reference runner writes it), with the
 * whitespace around the expression kept.
 */
public final class InitialWorkDir {

    /**
     * One entry of the work folder.
     *
     * @param name     relative path inside the work folder (normalized, no {@code ..}), or, only for a tool that
     *                 requires DockerRequirement, a normalized absolute path inside its container outside
     *                 {@code runtime.outdir}
     * @param object   the File or Directory object to copy, or null for a written file
     * @param contents the text of a written file, or null
     * @param writable whether the tool may change it (Cairn copies every entry, so this is advice)
     */
    public record Entry(String name, Map<String, Object> object, String contents, boolean writable) {

        /** Whether the entry is to be mounted at {@link #name} inside the container, outside the work folder. */
        public boolean inContainer() {
            return name.startsWith("/");
        }
    }

    private InitialWorkDir() {
    }

    /**
     * @param inputs  the staged inputs (Files with {@code path})
     * @param runtime the run's runtime
     * @return the entries in listing order; empty when the tool has no InitialWorkDirRequirement
     * @throws CwlException INVALID when an expression fails, an entry is not a File, Directory or
     *                      Dirent, or a name leaves the work folder
     */
    public static List<Entry> evaluate(CommandLineTool tool, Map<String, Object> inputs, RuntimeContext runtime) {
        Object listing = tool.initialWorkDir();
        List<Entry> out = new ArrayList<>();
        if (listing == null) {
            return out;
        }
        Map<String, Object> context = CommandLineBuilder.context(tool, inputs, runtime);
        String path = "requirements.InitialWorkDirRequirement.listing";
        if (listing instanceof String expression) {
            addValue(tool, CommandLineBuilder.evaluate(tool, expression, context, null, path), out, runtime, path);
        } else if (listing instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                String at = path + "[" + i + "]";
                Object item = items.get(i);
                if (item instanceof String expression) {
                    addValue(tool, CommandLineBuilder.evaluate(tool, expression, context, null, at), out, runtime, at);
                } else if (item instanceof Map<?, ?> map && !CwlValues.isFileOrDirectory(map)) {
                    dirent(tool, map, context, out, runtime, at);
                } else {
                    addValue(tool, item, out, runtime, at);
                }
            }
        }
        return out;
    }

    private static void addValue(CommandLineTool tool, Object value, List<Entry> out, RuntimeContext runtime,
                                 String path) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                addValue(tool, list.get(i), out, runtime, path + "[" + i + "]");
            }
            return;
        }
        if (value instanceof Map<?, ?> map && CwlValues.isFileOrDirectory(map)) {
            out.add(new Entry(name(basename(map, path), runtime, path, tool.dockerRequired()), copy(map), null, false));
            return;
        }
        if (value instanceof Map<?, ?> map && map.containsKey("entry")) {
            // a Dirent an expression returned: its fields are values already
            direntValue(tool, map.get("entryname"), map.get("entry"), Boolean.TRUE.equals(map.get("writable")), null,
                    out, runtime, path);
            return;
        }
        throw CwlException.invalid("an InitialWorkDirRequirement listing entry must be a File, a Directory, a "
                + "Dirent or an array of them, not " + CwlValues.describe(value), path, tool.lineOf(path));
    }

    private static void dirent(CommandLineTool tool, Map<?, ?> dirent, Map<String, Object> context, List<Entry> out,
                               RuntimeContext runtime, String path) {
        Object rawName = dirent.get("entryname");
        Object name = rawName instanceof String s ? CommandLineBuilder.evaluate(tool, s, context, null,
                path + ".entryname") : rawName;
        Object rawEntry = dirent.get("entry");
        Object entry = rawEntry;
        String whitespace = null;
        if (rawEntry instanceof String s) {
            // The whitespace around the text is the file's, not the expression's: "${...}\n" is
            // the expression's value followed by a newline (escaping_expression_no_extra_quotes).
            // Evaluating the rest and putting the whitespace back gives the same as interpolating
            // the whole text whenever that text is not one expression.
            String core = s.strip();
            entry = CommandLineBuilder.evaluate(tool, core.isEmpty() ? s : core, context, null, path + ".entry");
            if (entry instanceof String text && !core.isEmpty()) {
                entry = leading(s) + text + trailing(s);
            } else if (!(entry instanceof String)) {
                whitespace = s;
            }
        }
        boolean writable = Boolean.TRUE.equals(dirent.get("writable"));
        direntValue(tool, name, entry, writable, whitespace, out, runtime, path);
    }

    /**
     * @param raw the entry's text when it was one expression with a non-string value: the
     *            whitespace around the expression is kept around the JSON (null: none)
     */
    private static void direntValue(CommandLineTool tool, Object name, Object entry, boolean writable, String raw,
                                    List<Entry> out, RuntimeContext runtime, String path) {
        if (name != null && !(name instanceof String)) {
            throw CwlException.invalid("entryname must be a string, not " + CwlValues.describe(name),
                    path + ".entryname", null);
        }
        if (entry == null) {
            return;
        }
        String entryName = (String) name;
        boolean padded = raw != null && !raw.equals(raw.strip());
        if (!padded && entry instanceof Map<?, ?> map && CwlValues.isFileOrDirectory(map)) {
            String n = entryName != null ? entryName : basename(map, path);
            Map<String, Object> object = copy(map);
            object.put("basename", Path.of(name(n, runtime, path, tool.dockerRequired())).getFileName().toString());
            out.add(new Entry(name(n, runtime, path, tool.dockerRequired()), object, null, writable));
            return;
        }
        if (!padded && entryName == null && entry instanceof List<?> list
                && list.stream().allMatch(v -> v == null || CwlValues.isFileOrDirectory(v))) {
            for (Object item : list) {
                if (item != null) {
                    out.add(new Entry(name(basename((Map<?, ?>) item, path), runtime, path, tool.dockerRequired()), copy((Map<?, ?>) item),
                            null, writable));
                }
            }
            return;
        }
        if (entryName == null) {
            throw CwlException.invalid("a Dirent whose entry is text needs an entryname", path, null);
        }
        String text;
        if (entry instanceof String s) {
            text = s;
        } else {
            String json = CwlValues.toJson(entry);
            text = raw == null ? json : leading(raw) + json + trailing(raw);
        }
        out.add(new Entry(name(entryName, runtime, path, tool.dockerRequired()), null, text, writable));
    }

    private static String leading(String s) {
        return s.substring(0, s.length() - s.stripLeading().length());
    }

    private static String trailing(String s) {
        return s.substring(s.stripTrailing().length());
    }

    private static String basename(Map<?, ?> object, String path) {
        if (object.get("basename") instanceof String b && !b.isEmpty()) {
            return b;
        }
        for (String key : List.of("path", "location")) {
            if (object.get(key) instanceof String p && !p.isEmpty()) {
                String trimmed = p.replaceAll("/+$", "");
                return trimmed.substring(trimmed.lastIndexOf('/') + 1);
            }
        }
        throw CwlException.invalid("a listing entry " + object.get("class") + " has no basename, path or location",
                path, null);
    }

    /**
     * The entry name as a normalized relative path inside the work folder.
     *
     * @throws CwlException INVALID when it is empty or leaves the work folder
     */
    static String name(String entryName, RuntimeContext runtime, String path) {
        return name(entryName, runtime, path, false);
    }

    /**
     * @param container whether the tool requires DockerRequirement (CWL then allows absolute names elsewhere, which
     *                  are given back normalized and absolute: the entry goes at that path inside the container)
     */
    static String name(String entryName, RuntimeContext runtime, String path, boolean container) {
        String n = entryName;
        String outdir = runtime.outdir().replaceAll("/+$", "");
        if (n.startsWith("/")) {
            String normal = Path.of(n).normalize().toString();
            if (normal.equals(outdir)) {
                throw CwlException.invalid("entryname '" + entryName + "' names the output folder itself", path,
                        null);
            }
            if (!normal.startsWith(outdir + "/")) {
                if (!container) {
                    throw CwlException.invalid("entryname '" + entryName + "' is an absolute path outside the output "
                            + "folder; CWL allows that only for a tool that requires DockerRequirement (it is then "
                            + "mounted at that path in the container)", path, null);
                }
                if (normal.equals("/") || n.indexOf('\0') >= 0) {
                    throw CwlException.invalid("entryname '" + entryName + "' does not name a file in the container",
                            path, null);
                }
                return normal;
            }
            n = normal.substring(outdir.length() + 1);
        }
        Path normalized = Path.of(n).normalize();
        String text = normalized.toString();
        if (text.isEmpty() || text.equals(".") || normalized.isAbsolute() || text.equals("..")
                || text.startsWith("../")) {
            throw CwlException.invalid("entryname '" + entryName + "' does not name a file inside the output "
                    + "folder", path, null);
        }
        return text;
    }

    /**
     * The inputs with the paths of staged Files and Directories (and of whatever lies inside a
     * staged Directory) changed to their places in the work folder, as the tool sees them there.
     *
     * @param moved original path to path in the work folder
     */
    public static Object relocate(Object value, Map<String, String> moved) {
        if (moved.isEmpty()) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(relocate(v, moved)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), relocate(v, moved)));
            if (CwlValues.isFileOrDirectory(map) && map.get("path") instanceof String p) {
                String target = moved.get(p);
                if (target == null) {
                    for (Map.Entry<String, String> e : moved.entrySet()) {
                        if (p.startsWith(e.getKey() + "/")) {
                            target = e.getValue() + p.substring(e.getKey().length());
                            break;
                        }
                    }
                }
                if (target != null) {
                    out.put("path", target);
                }
            }
            return out;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<?, ?> map) {
        return new LinkedHashMap<>((Map<String, Object>) CwlValues.deepCopy(map));
    }
}
