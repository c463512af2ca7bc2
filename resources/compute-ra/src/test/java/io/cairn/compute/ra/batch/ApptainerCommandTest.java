package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Apptainer command lines of container tasks: their exact options, and, run by a real /bin/sh with a stand-in
 * {@code apptainer} that records what it got, that hostile arguments and environment values reach the runtime
 * exactly. (No real Apptainer runs here.)
 */
class ApptainerCommandTest {

    @TempDir
    Path root;

    private static TaskSpec spec(String workDir, List<String> command, Map<String, String> environment, String image,
                                 List<String> inputs, boolean network) {
        return new TaskSpec("t", command, environment, workDir, null, workDir + "/out.txt", workDir + "/err.txt", 1,
                0, image, true, inputs, network, 0);
    }

    @Test
    void theOptionsOfAContainedTaskWithoutNetwork() {
        TaskSpec spec = spec("/shared/w", List.of("cat", "/shared/in/a.txt"), Map.of(), "debian:12",
                List.of("/shared/in/a.txt", "/shared/in/b dir"), false);
        assertEquals(List.of("apptainer", "exec", "--containall", "--no-home", "--cleanenv", "--bind", "/shared/w",
                "--bind", "/shared/in/a.txt:/shared/in/a.txt:ro", "--bind", "/shared/in/b dir:/shared/in/b dir:ro",
                "--pwd", "/shared/w", "--net", "--network", "none", "docker://debian:12", "cat", "/shared/in/a.txt"),
                ApptainerCommand.command(ApptainerCommand.Runtime.APPTAINER, spec));
    }

    @Test
    void networkAccessKeepsTheNetworkAndSingularityIsTheSameCommand() {
        TaskSpec spec = spec("/w", List.of("true"), Map.of("A", "1"), "docker://quay.io/x/y:1", List.of(), true);
        List<String> command = ApptainerCommand.command(ApptainerCommand.Runtime.SINGULARITY, spec);
        assertEquals("singularity", command.get(0));
        assertFalse(command.contains("--net"), command::toString);
        assertTrue(command.contains("docker://quay.io/x/y:1"), command::toString);
        assertEquals(List.of("SINGULARITYENV_A=1"),
                ApptainerCommand.environment(ApptainerCommand.Runtime.SINGULARITY, spec));
    }

    @Test
    void imageReferences() {
        assertEquals("docker://busybox", ApptainerCommand.imageUri("busybox"));
        assertEquals("docker://ghcr.io/o/i@sha256:ab", ApptainerCommand.imageUri("ghcr.io/o/i@sha256:ab"));
        assertEquals("oras://r/i:1", ApptainerCommand.imageUri("oras://r/i:1"));
        assertEquals("/images/tool.sif", ApptainerCommand.imageUri("/images/tool.sif"));
    }

    @Test
    void refusesWhatABindSpecificationOrAnImageCannotCarry() {
        ApptainerCommand.Runtime a = ApptainerCommand.Runtime.APPTAINER;
        assertThrows(IllegalArgumentException.class, () -> ApptainerCommand.command(a,
                spec("/w,x", List.of("true"), Map.of(), "i", List.of(), true)));
        assertThrows(IllegalArgumentException.class, () -> ApptainerCommand.command(a,
                spec("/w", List.of("true"), Map.of(), "i", List.of("/in/a:b"), true)));
        assertThrows(IllegalArgumentException.class, () -> ApptainerCommand.command(a,
                spec("/w", List.of("true"), Map.of(), "i", List.of("/in/a,/etc"), true)));
        assertThrows(IllegalArgumentException.class, () -> ApptainerCommand.command(a,
                spec("/w", List.of("true"), Map.of(), "i", List.of("relative"), true)));
        for (String image : new String[] {"a b", "a\nb", "--bind=/etc", " x", ""}) {
            assertThrows(IllegalArgumentException.class, () -> ApptainerCommand.command(a,
                    spec("/w", List.of("true"), Map.of(), image, List.of(), true)), image);
        }
    }

    @Test
    void runtimeNames() {
        assertEquals(ApptainerCommand.Runtime.APPTAINER, ApptainerCommand.Runtime.parse(" Apptainer "));
        assertEquals(ApptainerCommand.Runtime.SINGULARITY, ApptainerCommand.Runtime.parse("singularity"));
        assertNull(ApptainerCommand.Runtime.parse("none"));
        assertNull(ApptainerCommand.Runtime.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ApptainerCommand.Runtime.parse("docker"));
    }

    @Test
    void hostileArgumentsAndValuesReachTheRuntimeExactly() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path record = root.resolve("record");
        // the stand-in: each argument, then each APPTAINERENV_ variable, NUL-terminated
        Path fake = bin.resolve("apptainer");
        Files.writeString(fake, "#!/bin/sh\n{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done; printf '\\n--\\n';"
                + " env -0 | grep -z '^APPTAINERENV_' ; } > '" + record + "'\nexit 4\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> nasty = new ArrayList<>(ShellQuotingTest.NASTY);
        List<String> command = new ArrayList<>(List.of("/bin/tool", "--opt=$(id)"));
        command.addAll(nasty);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("LIST", "a,b,\"c d\",'e'");
        environment.put("NASTY", "$(touch x) `y`\nline2 漢字");
        environment.put("EMPTY", "");
        Path work = root.resolve("it's a \"work\" dir $(x)");
        Path input = root.resolve("in put 'q'.txt");
        TaskSpec spec = spec(work.toString(), command, environment, "debian:12", List.of(input.toString()), false);

        String script = JobScript.render(spec, "task $(x)", ApptainerCommand.Runtime.APPTAINER);
        assertTrue(script.contains("PATH=/usr/local/bin:/usr/bin:/bin"), script);
        int exit = run(script.replace("PATH=/usr/local/bin:/usr/bin:/bin", "PATH=" + bin + ":/usr/bin:/bin"));

        assertEquals(4, exit, "the runtime's exit code is the task's");
        String[] parts = Files.readString(record, StandardCharsets.UTF_8).split("\n--\n", 2);
        List<String> arguments = new ArrayList<>(List.of(parts[0].split("\0", -1)));
        arguments.remove(arguments.size() - 1);
        List<String> expected = new ArrayList<>(List.of("exec", "--containall", "--no-home", "--cleanenv", "--bind",
                work.toString(), "--bind", input + ":" + input + ":ro", "--pwd", work.toString(), "--net",
                "--network", "none", "docker://debian:12"));
        expected.addAll(command);
        assertEquals(expected, arguments);
        Map<String, String> seen = new LinkedHashMap<>();
        for (String entry : parts[1].split("\0")) {
            if (!entry.isEmpty()) {
                int eq = entry.indexOf('=');
                seen.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        environment.forEach((name, value) -> wanted.put("APPTAINERENV_" + name, value));
        assertEquals(wanted, seen);
        assertFalse(Files.exists(work.resolve("x")), "a $(...) in the data ran");
    }

    private int run(String script) throws Exception {
        Path file = Files.createTempFile(root, "job", ".sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", file.toString()).directory(root.toFile());
        builder.environment().put("APPTAINERENV_LEAKED", "must not reach the runtime");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
