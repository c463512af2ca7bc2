package io.cairn.cwl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared test helpers: fixture loading, job staging and small value builders. */
final class Fixtures {

    static final RuntimeContext RUNTIME = new RuntimeContext("/out", "/tmp/job", 2, 1024);

    private Fixtures() {
    }


    /**
     * The official CWL v1.2 conformance suite's tests folder, which lies beside the project in
     * {@code ../shared/cwl-v1.2/tests} (the build passes it as {@code cairn.cwl.suite}).
     */
    static final Path SUITE = Path.of(System.getProperty("cairn.cwl.suite", "../../shared/cwl-v1.2/tests"));

    static String suiteFile(String name) {
        Path file = SUITE.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("conformance file " + file.toAbsolutePath()
                    + " is missing: the CWL v1.2 suite must be at ../shared/cwl-v1.2 beside the project");
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CommandLineTool conformance(String name) {
        return CwlParser.parseTool(suiteFile(name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return (Map<String, Object>) YamlNode.parse(text).toPlain();
    }

    /**
     * Plays the caller's part: every File with a location gets path /staged/BASENAME; a Directory
     * gets /staged/BASENAME and its listing entries paths below it.
     */
    static <T> T stage(T value) {
        return stage(value, "/staged");
    }

    @SuppressWarnings("unchecked")
    private static <T> T stage(T value, String parent) {
        if (value instanceof Map<?, ?> m && "Directory".equals(m.get("class")) && !m.containsKey("path")) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, v));
            String base = copy.get("basename") instanceof String b ? b
                    : CwlValues.basenameOf((String) copy.get("location"));
            String path = parent + "/" + base;
            copy.put("basename", base);
            copy.put("path", path);
            if (copy.get("listing") instanceof List<?> listing) {
                List<Object> staged = new ArrayList<>();
                listing.forEach(e -> staged.add(stage(e, path)));
                copy.put("listing", staged);
            }
            return (T) copy;
        }
        if (value instanceof Map<?, ?> m && "File".equals(m.get("class")) && !m.containsKey("path")
                && m.get("location") == null && m.get("basename") instanceof String base) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, v));
            copy.put("path", parent + "/" + base);
            return (T) copy;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, stage(v, parent)));
            if ("File".equals(copy.get("class")) && !copy.containsKey("path")) {
                String base = CwlValues.basenameOf((String) copy.get("location"));
                copy.put("path", parent + "/" + base);
                copy.putIfAbsent("basename", base);
            }
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(stage(v, parent)));
            return (T) copy;
        }
        return value;
    }

    static Map<String, Object> file(String path) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("class", "File");
        f.put("path", path);
        f.put("basename", CwlValues.basenameOf(path));
        return f;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Parse, resolve the job, build. */
    static BuiltCommand run(String cwl, Map<String, Object> job) {
        CommandLineTool tool = CwlParser.parseTool(cwl);
        return CommandLineBuilder.build(tool, stage(JobInputs.resolve(tool, job)), RUNTIME);
    }

    static List<String> argv(String cwl, Map<String, Object> job) {
        return run(cwl, job).argv();
    }

    /** A minimal tool document around the given YAML body lines. */
    static String tool(String... lines) {
        return "cwlVersion: v1.2\nclass: CommandLineTool\n" + String.join("\n", lines) + "\n";
    }
}
