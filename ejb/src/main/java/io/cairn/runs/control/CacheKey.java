package io.cairn.runs.control;

import io.cairn.platform.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The call-cache key of one step instance: five SHA-256 digests, one per thing that decides what
 * a tool produces. Two instances with equal keys run the same tool on the same bytes with the
 * same command line, environment and image, so the outputs of one serve the other.
 *
 * <p>Paths inside the instance's own folder differ from instance to instance and are written as
 * {@value #WORKSPACE} before hashing; where a file is stored (its {@code location}) is left out,
 * its bytes are hashed instead.
 *
 * @param tool        the tool: the registered version's SHA-256 and the step's place in the workflow
 * @param inputs      the staged input values and the bytes of every staged input file
 * @param command     the resolved argument list and standard input
 * @param environment the environment variables, sorted by name
 * @param image       the container image, or the empty string for none
 */
public record CacheKey(String tool, String inputs, String command, String environment, String image) {

    /** The names of the parts, in the order {@link #differences} reports them. */
    public static final List<String> PARTS = List.of("tool", "inputs", "command", "environment", "image");

    /** What paths inside the instance's folder become before hashing. */
    static final String WORKSPACE = "$WORKSPACE";

    /** File-object fields that say where a file is, not what it holds. */
    private static final Set<String> PLACE_FIELDS = Set.of("location", "path", "dirname");

    /**
     * The key of a staged step instance.
     *
     * @param toolIdentity     the tool version's SHA-256 and the step's path, indices left out
     * @param stagedInputsJson the inputs as staged (file objects with paths in the instance's folder)
     * @param commandLineJson  the recorded command line: {@code {"argv": [...], "env": {...}, "stdin": ...}}
     * @param image            the image the tool names, or null
     * @param workspaceRoot    the instance's folder
     * @param inputsDir        the folder holding the staged input files
     */
    public static CacheKey of(String toolIdentity, String stagedInputsJson, String commandLineJson, String image,
                              Path workspaceRoot, Path inputsDir) {
        String root = workspaceRoot.toString();
        Object staged = JsonValues.parse(stagedInputsJson, "staged inputs");
        Map<?, ?> commandLine = (Map<?, ?>) JsonValues.parse(commandLineJson, "command line");
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("argv", commandLine.get("argv"));
        command.put("stdin", commandLine.get("stdin"));
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("values", withoutPlaces(staged));
        inputs.put("files", fileDigests(inputsDir));
        return new CacheKey(sha256(toolIdentity), digest(inputs, root), digest(command, root),
                digest(commandLine.get("env"), root), sha256(image == null ? "" : image));
    }

    /** The identity of a workflow's step: the version's digest and the step's path without scatter indices. */
    public static String toolIdentity(String versionSha256, String stepKey) {
        return versionSha256 + "#" + stepKey.replaceAll("\\[\\d+]", "");
    }

    /** The digest of the five parts together: what the cache is looked up by. */
    public String value() {
        return sha256(String.join("\n", tool, inputs, command, environment, image));
    }

    /** The names of the parts that differ from {@code other}'s, in {@link #PARTS} order. */
    public List<String> differences(CacheKey other) {
        List<String> differ = new ArrayList<>();
        List<String> mine = parts();
        List<String> theirs = other.parts();
        for (int i = 0; i < PARTS.size(); i++) {
            if (!mine.get(i).equals(theirs.get(i))) {
                differ.add(PARTS.get(i));
            }
        }
        return differ;
    }

    /** The parts by name, for the API. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> values = parts();
        for (int i = 0; i < PARTS.size(); i++) {
            map.put(PARTS.get(i), values.get(i));
        }
        return map;
    }

    /** Reads what {@link #asMap()} wrote. */
    public static CacheKey fromMap(Map<?, ?> map) {
        return new CacheKey(String.valueOf(map.get("tool")), String.valueOf(map.get("inputs")),
                String.valueOf(map.get("command")), String.valueOf(map.get("environment")),
                String.valueOf(map.get("image")));
    }

    private List<String> parts() {
        return List.of(tool, inputs, command, environment, image);
    }

    /** Canonical JSON (keys sorted) with the instance's folder written as {@value #WORKSPACE}, hashed. */
    private static String digest(Object value, String root) {
        return sha256(JsonValues.write(canonical(value, root)));
    }

    private static Object canonical(Object value, String root) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v, root)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> canonical(v, root)).toList();
        }
        if (value instanceof String s) {
            return s.equals(root) ? WORKSPACE : s.replace(root + "/", WORKSPACE + "/");
        }
        return value;
    }

    /** File and Directory objects without the fields that say where they are. */
    private static Object withoutPlaces(Object value) {
        if (value instanceof Map<?, ?> map) {
            boolean fileObject = "File".equals(map.get("class")) || "Directory".equals(map.get("class"));
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!(fileObject && PLACE_FIELDS.contains(String.valueOf(k)))) {
                    out.put(String.valueOf(k), withoutPlaces(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(CacheKey::withoutPlaces).toList();
        }
        return value;
    }

    /** Relative path → SHA-256 of every regular file under the folder ("/" for folders, so empty ones count). */
    static Map<String, String> fileDigests(Path dir) {
        Map<String, String> digests = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return digests;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String relative = dir.relativize(p).toString();
                if (relative.isEmpty()) {
                    continue;
                }
                digests.put(relative, Files.isDirectory(p) ? "/" : fileSha256(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the staged inputs in " + dir, e);
        }
        return digests;
    }

    private static String fileSha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(sha256Digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
