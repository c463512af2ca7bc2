package io.cairn.compute.ra.docker;

import io.cairn.compute.TaskSpec;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /containers/create} for one task: the command as an argument list (no shell), the task's
 * environment without the host's PATH, its work folder bound read-write and its inputs read-only at the same paths,
 * no network unless the task asks for it, CPU and memory limits, and the {@code local} log driver, which keeps
 * the output's bytes exactly (the default {@code json-file} driver turns bytes that are not UTF-8 into U+FFFD).
 */
final class ContainerRequest {

    /** Looked up once: each of {@code Json}'s static factories looks the provider up again through the service loader. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Logs beyond this size would be rotated away; one file, so nothing is ever split across files. */
    static final String LOG_MAX_SIZE = "64g";

    private ContainerRequest() {
    }

    /**
     * @param image      the image to run
     * @param user       {@code uid:gid} to run as, or {@code null} for the image's user
     * @param labels     the container's labels
     * @param network    the network of a task with network access ({@code bridge}, {@code host}, ...)
     * @param hostCpus   how many CPUs dockerd's host has, to cap the CPU limit, or 0 if unknown
     */
    static JsonObject body(TaskSpec spec, String image, String user, Map<String, String> labels, String network,
                           int hostCpus) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("Image", image)
                .add("Cmd", strings(spec.command()))
                .add("Env", environment(spec))
                .add("WorkingDir", workingDir(spec))
                .add("Labels", JSON.createObjectBuilder(new LinkedHashMap<String, Object>(labels)))
                .add("Tty", false)
                .add("AttachStdout", false)
                .add("AttachStderr", false);
        boolean stdin = spec.stdin() != null;
        body.add("AttachStdin", stdin).add("OpenStdin", stdin).add("StdinOnce", stdin);
        if (user != null) {
            body.add("User", user);
        }
        JsonObjectBuilder host = JSON.createObjectBuilder()
                .add("Mounts", mounts(spec))
                .add("NetworkMode", spec.networkAccess() ? network : "none")
                .add("LogConfig", JSON.createObjectBuilder()
                        .add("Type", "local")
                        .add("Config", JSON.createObjectBuilder()
                                .add("max-size", LOG_MAX_SIZE)
                                .add("max-file", "1")
                                .add("compress", "false")));
        int cores = hostCpus > 0 ? Math.min(spec.cores(), hostCpus) : spec.cores();
        host.add("NanoCpus", cores * 1_000_000_000L);
        if (spec.memoryMb() > 0) {
            host.add("Memory", spec.memoryMb() * 1024 * 1024);
        }
        return body.add("HostConfig", host).build();
    }

    /**
     * The task's environment as {@code NAME=value}, without PATH: the host's PATH means nothing inside an image,
     * and without one Docker uses the image's PATH (or its standard one if the image sets none).
     */
    private static JsonArrayBuilder environment(TaskSpec spec) {
        JsonArrayBuilder env = JSON.createArrayBuilder();
        spec.environment().forEach((name, value) -> {
            if (!"PATH".equals(name)) {
                env.add(name + "=" + value);
            }
        });
        return env;
    }

    /**
     * Binds at the same paths: the work folder read-write, then the folder TMPDIR names read-write when it is an
     * absolute existing folder, then each read-only path once. A path already bound (or the work folder itself) is
     * not bound twice, which Docker would refuse. Then the work folder again at the task's container work folder
     * (CWL {@code dockerOutputDirectory}), so that both its own path and that one name it inside, and each container
     * mount at its target.
     */
    static JsonArrayBuilder mounts(TaskSpec spec) {
        Map<String, Boolean> binds = new LinkedHashMap<>();
        binds.put(normal(spec.workDir()), false);
        String tmp = spec.environment().get("TMPDIR");
        if (tmp != null && Path.of(tmp).isAbsolute() && Files.isDirectory(Path.of(tmp))) {
            binds.putIfAbsent(normal(tmp), false);
        }
        for (String path : spec.readOnlyPaths()) {
            binds.putIfAbsent(normal(path), true);
        }
        JsonArrayBuilder mounts = JSON.createArrayBuilder();
        binds.forEach((path, readOnly) -> mounts.add(bind(path, path, readOnly)));
        if (spec.containerWorkDir() != null && !normal(spec.containerWorkDir()).equals(normal(spec.workDir()))) {
            mounts.add(bind(normal(spec.workDir()), normal(spec.containerWorkDir()), false));
        }
        for (TaskSpec.Mount mount : spec.containerMounts()) {
            mounts.add(bind(normal(mount.source()), normal(mount.target()), mount.readOnly()));
        }
        return mounts;
    }

    /** Where the command runs: the container work folder when the task names one, else the work folder. */
    static String workingDir(TaskSpec spec) {
        return spec.containerWorkDir() != null ? normal(spec.containerWorkDir()) : spec.workDir();
    }

    private static JsonObjectBuilder bind(String source, String target, boolean readOnly) {
        return JSON.createObjectBuilder()
                .add("Type", "bind")
                .add("Source", source)
                .add("Target", target)
                .add("ReadOnly", readOnly);
    }

    private static String normal(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private static JsonArrayBuilder strings(Iterable<String> values) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }
}
