package io.cairn.compute.ra.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskSpec;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The create body of a task's container, and container names. */
class DockerContainerRequestTest {

    @TempDir
    Path root;

    private TaskSpec spec(Map<String, String> env, List<String> readOnly, boolean network, int cores, long memoryMb,
                          String stdin) {
        return new TaskSpec("t1", List.of("printf", "%s\\n", "a b", "$HOME; rm -rf /"), env,
                root.resolve("work").toString(), stdin, root.resolve("out.txt").toString(),
                root.resolve("err.txt").toString(), cores, memoryMb, "cairn/busybox:latest", true, readOnly, network,
                0);
    }

    @Test
    void theCommandIsAnArgumentListAndTheHostPathStaysOutside() throws Exception {
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/host/only/bin");
        env.put("HOME", root.resolve("work").toString());
        env.put("TMPDIR", tmp.toString());
        env.put("WITH_EQUALS", "a=b c");
        JsonObject body = ContainerRequest.body(spec(env, List.of(), false, 1, 0, null), "cairn/busybox:latest",
                "1000:1000", Map.of("cairn.task", "t1"), "bridge", 2);
        assertEquals(Json.createArrayBuilder().add("printf").add("%s\\n").add("a b").add("$HOME; rm -rf /").build(),
                body.getJsonArray("Cmd"));
        assertFalse(body.containsKey("Entrypoint"), "the image's entrypoint is kept, as docker run does");
        assertEquals(Set.of("HOME=" + root.resolve("work"), "TMPDIR=" + tmp, "WITH_EQUALS=a=b c"),
                Set.copyOf(body.getJsonArray("Env").getValuesAs(jakarta.json.JsonString::getString)));
        assertEquals(3, body.getJsonArray("Env").size());
        assertEquals(root.resolve("work").toString(), body.getString("WorkingDir"));
        assertEquals("1000:1000", body.getString("User"));
        assertEquals("t1", body.getJsonObject("Labels").getString("cairn.task"));
        assertFalse(body.getBoolean("Tty"));
        assertFalse(body.getBoolean("OpenStdin"));
    }

    @Test
    void bindsTheWorkFolderTmpdirAndInputsOnceEach() throws Exception {
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Path inputs = Files.createDirectories(root.resolve("inputs"));
        String work = root.resolve("work").toString();
        JsonObject body = ContainerRequest.body(spec(Map.of("TMPDIR", tmp.toString()),
                        List.of(inputs.toString(), inputs + "/./", work), false, 1, 0, null),
                "img", null, Map.of(), "bridge", 0);
        JsonObject host = body.getJsonObject("HostConfig");
        List<JsonObject> mounts = host.getJsonArray("Mounts").getValuesAs(JsonObject.class);
        assertEquals(3, mounts.size(), mounts::toString);
        assertMount(mounts.get(0), work, false);
        assertMount(mounts.get(1), tmp.toString(), false);
        assertMount(mounts.get(2), inputs.toString(), true);
        assertFalse(body.containsKey("User"));
    }

    @Test
    void aTmpdirThatIsNotAnExistingAbsoluteFolderIsNotBound() {
        for (String tmp : List.of("relative/tmp", root.resolve("missing").toString())) {
            JsonObject body = ContainerRequest.body(spec(Map.of("TMPDIR", tmp), List.of(), false, 1, 0, null), "img",
                    null, Map.of(), "bridge", 0);
            assertEquals(1, body.getJsonObject("HostConfig").getJsonArray("Mounts").size(), tmp);
        }
    }

    private static void assertMount(JsonObject mount, String path, boolean readOnly) {
        assertEquals("bind", mount.getString("Type"));
        assertEquals(path, mount.getString("Source"));
        assertEquals(path, mount.getString("Target"));
        assertEquals(readOnly, mount.getBoolean("ReadOnly"));
    }

    @Test
    void noNetworkUnlessAskedForAndLimitsFromTheSpec() {
        JsonObject closed = ContainerRequest.body(spec(Map.of(), List.of(), false, 4, 512, null), "img", null,
                Map.of(), "bridge", 2).getJsonObject("HostConfig");
        assertEquals("none", closed.getString("NetworkMode"));
        assertEquals(2_000_000_000L, closed.getJsonNumber("NanoCpus").longValue(), "capped at the host's CPUs");
        assertEquals(512L * 1024 * 1024, closed.getJsonNumber("Memory").longValue());
        assertEquals("local", closed.getJsonObject("LogConfig").getString("Type"), "byte-exact log driver");

        JsonObject open = ContainerRequest.body(spec(Map.of(), List.of(), true, 1, 0, null), "img", null, Map.of(),
                "host", 0).getJsonObject("HostConfig");
        assertEquals("host", open.getString("NetworkMode"));
        assertEquals(1_000_000_000L, open.getJsonNumber("NanoCpus").longValue());
        assertFalse(open.containsKey("Memory"), "0 MiB means no limit");
    }

    @Test
    void aTaskWithStdinKeepsItsStdinOpenForOneAttach() {
        JsonObject body = ContainerRequest.body(spec(Map.of(), List.of(), false, 1, 0, root.resolve("in").toString()),
                "img", null, Map.of(), "bridge", 0);
        assertTrue(body.getBoolean("OpenStdin"));
        assertTrue(body.getBoolean("StdinOnce"));
        assertTrue(body.getBoolean("AttachStdin"));
    }

    @Test
    void containerNamesAreStableValidAndKeepTasksApart() {
        String name = DockerBackend.containerName("docker", "run 7/step:1 é");
        assertEquals(name, DockerBackend.containerName("docker", "run 7/step:1 é"));
        assertTrue(name.matches("cairn-docker-run_7_step_1___?-[0-9a-f]{12}"), name);
        assertNotEquals(name, DockerBackend.containerName("docker", "run_7_step_1_é"), "same sanitized text");
        assertNotEquals(name, DockerBackend.containerName("other", "run 7/step:1 é"));
        String longName = DockerBackend.containerName("p".repeat(100), "t".repeat(500));
        assertTrue(longName.length() <= 128, longName);
        assertTrue(longName.matches("[A-Za-z0-9][A-Za-z0-9_.-]*"));
    }

    private TaskSpec inContainer(String containerWorkDir, List<TaskSpec.Mount> mounts, Map<String, String> env,
                                 List<String> readOnly) {
        return new TaskSpec("t1", List.of("touch", "/other/thing"), env, root.resolve("work").toString(), null,
                root.resolve("out.txt").toString(), root.resolve("err.txt").toString(), 1, 0, "img", true, readOnly,
                false, 0, containerWorkDir, mounts);
    }

    @Test
    void aContainerWorkFolderIsTheWorkFolderAgainAndWhereTheCommandRuns() {
        String work = root.resolve("work").toString();
        String copy = root.resolve("inputs/container-entries/0/stuff.txt").toString();
        TaskSpec spec = inContainer("/other/", List.of(new TaskSpec.Mount(copy, "/tmp2j3y7rpb/input/stuff.txt", true),
                new TaskSpec.Mount(copy, "/rw/stuff.txt", false)), Map.of(), List.of(root.resolve("inputs").toString()));
        DockerBackend.validateContainerPaths(spec);
        JsonObject body = ContainerRequest.body(spec, "img", null, Map.of(), "bridge", 0);
        assertEquals("/other", body.getString("WorkingDir"));
        List<JsonObject> mounts = body.getJsonObject("HostConfig").getJsonArray("Mounts").getValuesAs(JsonObject.class);
        assertEquals(5, mounts.size(), mounts::toString);
        assertMount(mounts.get(0), work, false);
        assertMount(mounts.get(1), root.resolve("inputs").toString(), true);
        assertEquals(work, mounts.get(2).getString("Source"));
        assertEquals("/other", mounts.get(2).getString("Target"));
        assertFalse(mounts.get(2).getBoolean("ReadOnly"));
        assertEquals(copy, mounts.get(3).getString("Source"));
        assertEquals("/tmp2j3y7rpb/input/stuff.txt", mounts.get(3).getString("Target"));
        assertTrue(mounts.get(3).getBoolean("ReadOnly"));
        assertFalse(mounts.get(4).getBoolean("ReadOnly"), "a writable entry");
        // without container paths nothing changes
        TaskSpec plain = spec(Map.of(), List.of(), false, 1, 0, null);
        assertFalse(plain.hasContainerPaths());
        assertEquals(work, ContainerRequest.body(plain, "img", null, Map.of(), "bridge", 0).getString("WorkingDir"));
    }

    @Test
    void containerPathsMustBeAbsoluteAndApartFromWhatIsBoundAlready() throws Exception {
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        String copy = root.resolve("inputs/container-entries/0/x").toString();
        Map<String, String> env = Map.of("TMPDIR", tmp.toString());
        List<String> inputs = List.of(root.resolve("inputs").toString());
        List<TaskSpec> refused = List.of(
                inContainer("relative", List.of(), env, inputs),
                inContainer("/", List.of(), env, inputs),
                inContainer(root.toString(), List.of(), env, inputs), // around the work folder
                inContainer(root.resolve("work/sub").toString(), List.of(), env, inputs), // inside it
                inContainer(null, List.of(new TaskSpec.Mount(copy, tmp.resolve("x").toString(), true)), env, inputs),
                inContainer(null, List.of(new TaskSpec.Mount(copy, root.resolve("inputs/0/x").toString(), true)), env,
                        inputs),
                inContainer("/other", List.of(new TaskSpec.Mount(copy, "/other/x", true)), env, inputs),
                inContainer(null, List.of(new TaskSpec.Mount(copy, "/a", true), new TaskSpec.Mount(copy, "/a/b", true)),
                        env, inputs),
                inContainer(null, List.of(new TaskSpec.Mount("relative/source", "/a", true)), env, inputs),
                inContainer(null, List.of(new TaskSpec.Mount(copy, "relative/target", true)), env, inputs));
        for (TaskSpec spec : refused) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> DockerBackend.validateContainerPaths(spec), spec::toString);
        }
        DockerBackend.validateContainerPaths(inContainer("/other", List.of(new TaskSpec.Mount(copy, "/a/b", true),
                new TaskSpec.Mount(copy, "/a/c", true)), env, inputs));
    }

    @Test
    void onlyATaskThatRequiresItsImageHasContainerPaths() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TaskSpec("t1",
                List.of("true"), Map.of(), root.toString(), null, root.resolve("o").toString(),
                root.resolve("e").toString(), 1, 0, "img", false, List.of(), false, 0, "/other", List.of()));
    }
}
