package io.cairn.compute.ra.kubernetes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod's command line run on this host with its {@code /bin/sh}, as a container runtime runs it: the fixed
 * wrapper must open the task's files byte for byte, hand the argument list over untouched, pass the exit code on
 * and add nothing to the environment. (No cluster is needed: this is the part of the pod that Cairn writes.)
 */
class KubernetesWrapperTest {

    @TempDir
    Path root;

    private Process run(TaskSpec spec, Map<String, String> environment) throws IOException {
        Job job = JobManifest.render(spec, "n", new JobManifest.Context("p", "c", root, "i", null, null, 1));
        List<String> command = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of(spec.workDir()).toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        for (EnvVar variable : job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            builder.environment().put(variable.getName(), variable.getValue());
        }
        return builder.start();
    }

    @Test
    void opensTheFilesAndExecsTheArgumentListUntouched() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        byte[] input = {'i', 'n', (byte) 0xff, 0, '\n'};
        Files.write(root.resolve("in.bin"), input);
        TaskSpec spec = new TaskSpec("t", List.of("/bin/sh", "-c",
                "cat; printf '%s|' \"$@\" >&2; env | sort >&2; exit 5", "arg0", "a b; $(x)", "'", "*"),
                Map.of("ONLY", "this"), work.toString(), root.resolve("in.bin").toString(),
                root.resolve("out.bin").toString(), root.resolve("err.txt").toString(), 1, 0, null);
        Process process = run(spec, Map.of("PATH", "/usr/bin:/bin"));
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(5, process.exitValue(), "the command's exit code is the container's");
        assertArrayEquals(input, Files.readAllBytes(root.resolve("out.bin")));
        String stderr = Files.readString(root.resolve("err.txt"), StandardCharsets.UTF_8);
        assertTrue(stderr.startsWith("a b; $(x)|'|*|"), stderr);
        List<String> environment = stderr.substring(stderr.indexOf("*|") + 2).lines()
                .filter(line -> !line.startsWith("PWD=") && !line.startsWith("SHLVL=") && !line.startsWith("_="))
                .toList();
        assertEquals(List.of("ONLY=this", "PATH=/usr/bin:/bin"), environment,
                "the wrapper's variables in, out and err are not exported");
        assertEquals(0, process.getInputStream().readAllBytes().length, "nothing reaches the container log");
    }

    @Test
    void oneFileForBothStreamsKeepsTheirOrder() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        TaskSpec spec = new TaskSpec("t", List.of("/bin/sh", "-c", "echo 1; echo 2 >&2; echo 3"), Map.of(),
                work.toString(), null, root.resolve("all.txt").toString(), root.resolve("all.txt").toString(), 1, 0,
                null);
        Process process = run(spec, Map.of("PATH", "/usr/bin:/bin"));
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertEquals("1\n2\n3\n", Files.readString(root.resolve("all.txt")));
    }

    @Test
    void aStdinThatCannotBeOpenedFailsBeforeTheCommandAndSaysSoOnTheContainerLog() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        TaskSpec spec = new TaskSpec("t", List.of("/bin/sh", "-c", "echo ran > ran.txt"), Map.of(), work.toString(),
                root.resolve("missing.txt").toString(), root.resolve("o").toString(), root.resolve("e").toString(),
                1, 0, null);
        Process process = run(spec, Map.of("PATH", "/usr/bin:/bin"));
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(process.exitValue() != 0);
        assertTrue(Files.notExists(work.resolve("ran.txt")), "the command did not run");
        String log = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(log.contains("missing.txt"), log);
    }
}
