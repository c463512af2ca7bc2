package io.cairn.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.cairn.platform.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheKeyTest {

    @TempDir
    Path dir;

    /** A staged instance in its own folder: one input file, a command naming it, HOME in its work folder. */
    private CacheKey instance(String name, String content, String extraArg, String image) throws IOException {
        Path root = dir.resolve(name);
        Path inputs = root.resolve("inputs");
        Files.createDirectories(inputs.resolve("0"));
        Path file = inputs.resolve("0/reads.txt");
        Files.writeString(file, content);
        String staged = JsonValues.write(Map.of("reads", Map.of("class", "File", "basename", "reads.txt",
                "location", "/api/v1/files/" + name, "path", file.toString(), "size", (long) content.length())));
        String commandLine = JsonValues.write(Map.of(
                "argv", List.of("wc", "-l", file.toString(), extraArg),
                "env", Map.of("HOME", root.resolve("work").toString(), "PATH", "/usr/bin:/bin"),
                "stdin", root.resolve("inputs/none").toString()));
        return CacheKey.of(CacheKey.toolIdentity("abc123", "count[7]"), staged, commandLine, image, root, inputs);
    }

    @Test
    void theSameWorkInAnotherFolderHasTheSameKey() throws IOException {
        CacheKey first = instance("1", "a\nb\n", "-x", null);
        CacheKey second = instance("2", "a\nb\n", "-x", null);

        assertEquals(first, second);
        assertEquals(first.value(), second.value());
        assertEquals(List.of(), first.differences(second));
    }

    @Test
    void eachPartIsNamedWhenItDiffers() throws IOException {
        CacheKey base = instance("1", "a\nb\n", "-x", null);

        assertEquals(List.of("inputs"), base.differences(instance("2", "a\nc\n", "-x", null)));
        assertEquals(List.of("command"), base.differences(instance("3", "a\nb\n", "-y", null)));
        assertEquals(List.of("image"), base.differences(instance("4", "a\nb\n", "-x", "debian:12")));
        assertNotEquals(base.value(), instance("5", "a\nb\n", "-y", null).value());
    }

    @Test
    void theToolIsTheVersionAndTheStepWithoutScatterIndices() {
        assertEquals("abc#align", CacheKey.toolIdentity("abc", "align[3]"));
        assertEquals("abc#qc/count", CacheKey.toolIdentity("abc", "qc[1][2]/count[0]"));
    }

    @Test
    void aFolderNamedLikeThePrefixOfAnotherIsNotRewritten() throws IOException {
        Path root = dir.resolve("steps/3");
        Files.createDirectories(root);
        String commandLine = JsonValues.write(Map.of("argv", List.of(dir.resolve("steps/30/x").toString()),
                "env", Map.of()));
        CacheKey k = CacheKey.of("t", "{}", commandLine, null, root, root.resolve("inputs"));
        String other = JsonValues.write(Map.of("argv", List.of(CacheKey.WORKSPACE + "0/x"), "env", Map.of()));
        assertNotEquals(k.command(), CacheKey.of("t", "{}", other, null, root, root.resolve("inputs")).command());
    }

    @Test
    void partsRoundTripThroughAMap() throws IOException {
        CacheKey k = instance("1", "x", "-x", "img");
        assertEquals(k, CacheKey.fromMap(k.asMap()));
    }
}
