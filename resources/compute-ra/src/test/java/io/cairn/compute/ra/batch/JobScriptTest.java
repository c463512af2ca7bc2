package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job script, run by a local /bin/sh as a scheduler would run it (with an environment of its own): the command
 * sees exactly its arguments and environment, its output lands byte for byte in the spec's files, its exit code is
 * the script's.
 */
class JobScriptTest {

    @TempDir
    Path root;

    @Test
    void runsTheArgumentsExactlyWithTheExactEnvironment() throws Exception {
        List<String> nasty = new ArrayList<>(ShellQuotingTest.NASTY);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "for a in \"$@\"; do printf '%s\\0' \"$a\"; done; env -0 >&2; exit 3", "argv0"));
        command.addAll(nasty);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("NASTY", "$(touch x) `y` 'q' \"d\"\nline2 漢字");
        environment.put("EMPTY", "");
        Path dir = root.resolve("it's a \"dir\" $(x)");
        TaskSpec spec = spec(dir, command, environment, null);

        int exit = run(JobScript.render(spec, "task $(whoami)"));

        assertEquals(3, exit);
        String out = Files.readString(Path.of(spec.stdout()), StandardCharsets.UTF_8);
        List<String> back = new ArrayList<>(List.of(out.split("\0", -1)));
        back.remove(back.size() - 1);
        assertEquals(nasty, back);
        Map<String, String> seen = new LinkedHashMap<>();
        for (String entry : Files.readString(Path.of(spec.stderr()), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            seen.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        // sh adds PWD (it sees none) and may add SHLVL or _; everything of ours arrives unchanged and no outsider
        seen.remove("PWD");
        seen.remove("SHLVL");
        seen.remove("_");
        assertEquals(environment, seen);
        assertFalse(Files.exists(dir.resolve("work/x")), "a $(...) in the data ran");
    }

    @Test
    void stdoutAndStderrAreByteExactAndStdinIsFed() throws Exception {
        byte[] input = {0, 1, 2, (byte) 0xff, '\n', 'x', '\r', '\n'};
        Path stdin = root.resolve("in.bin");
        Files.write(stdin, input);
        TaskSpec spec = spec(root.resolve("io"), List.of("/bin/sh", "-c",
                "cat; printf 'err\\000\\377' >&2; printf 'tail-without-newline'"), Map.of(), stdin.toString());

        assertEquals(0, run(JobScript.render(spec, "io")));

        byte[] expectedOut = new byte[input.length + "tail-without-newline".length()];
        System.arraycopy(input, 0, expectedOut, 0, input.length);
        System.arraycopy("tail-without-newline".getBytes(StandardCharsets.US_ASCII), 0, expectedOut, input.length,
                "tail-without-newline".length());
        assertArrayEquals(expectedOut, Files.readAllBytes(Path.of(spec.stdout())));
        assertArrayEquals(new byte[] {'e', 'r', 'r', 0, (byte) 0xff}, Files.readAllBytes(Path.of(spec.stderr())));
    }

    @Test
    void runsInTheWorkingFolderWhichItCreates() throws Exception {
        TaskSpec spec = spec(root.resolve("wd"), List.of("/bin/pwd", "-P"), Map.of(), null);
        assertEquals(0, run(JobScript.render(spec, "pwd")));
        assertEquals(Path.of(spec.workDir()).toRealPath() + "\n", Files.readString(Path.of(spec.stdout())));
    }

    @Test
    void aMissingProgramFailsWith127AndSaysSo() throws Exception {
        TaskSpec spec = spec(root.resolve("missing"), List.of("/no/such/program", "x"), Map.of(), null);
        assertEquals(127, run(JobScript.render(spec, "missing")));
        assertTrue(Files.readString(Path.of(spec.stderr())).contains("/no/such/program"));
    }

    @Test
    void aWorkingFolderThatCannotBeMadeFailsWithSetupFailed() throws Exception {
        Path file = root.resolve("a-file");
        Files.writeString(file, "x");
        TaskSpec spec = new TaskSpec("t", List.of("/bin/true"), Map.of(), file.resolve("sub").toString(), null,
                root.resolve("o.txt").toString(), root.resolve("e.txt").toString(), 1, 0, null);
        assertEquals(JobScript.SETUP_FAILED, run(JobScript.render(spec, "bad wd")));
        assertFalse(Files.readString(root.resolve("e.txt")).isEmpty());
    }

    @Test
    void refusesWhatTheScriptCannotCarry() {
        assertThrows(IllegalArgumentException.class,
                () -> JobScript.validate(spec(root, List.of("VAR=x", "y"), Map.of(), null)));
        assertThrows(IllegalArgumentException.class,
                () -> JobScript.validate(spec(root, List.of("/bin/echo", "a\0b"), Map.of(), null)));
        assertThrows(IllegalArgumentException.class,
                () -> JobScript.validate(spec(root, List.of("/bin/echo"), Map.of("A=B", "x"), null)));
        assertThrows(IllegalArgumentException.class,
                () -> JobScript.validate(new TaskSpec("t", List.of("/bin/true"), Map.of(), "relative", null,
                        "/tmp/o", "/tmp/e", 1, 0, null)));
    }

    static TaskSpec spec(Path dir, List<String> command, Map<String, String> environment, String stdin) {
        return new TaskSpec("t", command, environment, dir.resolve("work").toString(), stdin,
                dir.resolve("logs/out.txt").toString(), dir.resolve("logs/err.txt").toString(), 1, 0, null);
    }

    /** Runs the script as a scheduler does: a file, run by /bin/sh, with some unrelated environment. */
    private int run(String script) throws Exception {
        Path file = Files.createTempFile(root, "job", ".sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", file.toString()).directory(root.toFile());
        builder.environment().put("SLURM_JOB_ID", "42");
        builder.environment().put("LEAKED_SECRET", "must not reach the task");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        assertEquals("", output, "the script itself printed something");
        return exit;
    }
}
