package io.cairn.compute.ra.batch;

import io.cairn.compute.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line that runs a task's command in its image with Apptainer (or its predecessor SingularityCE, which
 * takes the same options): {@code apptainer exec --containall --no-home --cleanenv --bind WORKDIR --bind IN:IN:ro
 * ... --pwd WORKDIR [--net --network none] docker://IMAGE argv...}.
 *
 * <ul>
 *   <li>{@code --containall} gives the container its own /tmp, /dev, IPC and PID namespace and a clean environment;
 *       {@code --no-home} leaves the home folder out; only the working folder (read-write) and the staged inputs
 *       (read-only) are bound, at the same paths as on the host.</li>
 *   <li>The task's environment goes in as {@code APPTAINERENV_NAME=value} variables of the apptainer process (set
 *       by the job script's {@code env -i}), not as {@code --env NAME=value}: {@code --env} parses its value as a
 *       comma-separated list, so a value with a comma or a quote would not arrive intact.</li>
 *   <li>A task without CWL NetworkAccess gets {@code --net --network none}.</li>
 *   <li>A bind specification is {@code src[:dest[:opts]]} and several may be joined by commas, so a bound path
 *       holding a comma or a colon cannot be expressed and is refused.</li>
 * </ul>
 *
 * <p>These command lines are rendered and unit-tested, but have not been run against a real Apptainer.
 */
public final class ApptainerCommand {

    /** The container runtimes a batch pool can use for tasks with an image. */
    public enum Runtime {
        APPTAINER("apptainer", "APPTAINERENV_"),
        SINGULARITY("singularity", "SINGULARITYENV_");

        private final String program;
        private final String environmentPrefix;

        Runtime(String program, String environmentPrefix) {
            this.program = program;
            this.environmentPrefix = environmentPrefix;
        }

        public String program() {
            return program;
        }

        /** {@code apptainer} or {@code singularity}, any case; null or blank (or {@code none}) for no runtime. */
        public static Runtime parse(String text) {
            if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("none")) {
                return null;
            }
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "apptainer" -> APPTAINER;
                case "singularity" -> SINGULARITY;
                default -> throw new IllegalArgumentException(
                        "containerRuntime must be apptainer, singularity or none, not " + text);
            };
        }
    }

    private ApptainerCommand() {
    }

    /** Checks what the command line cannot carry: bound paths with a comma or colon, an image with whitespace. */
    public static void validate(TaskSpec spec) {
        requireBindable("workDir", spec.workDir());
        for (String input : spec.readOnlyPaths()) {
            requireBindable("input", input);
            if (!Path.of(input).isAbsolute()) {
                throw new IllegalArgumentException("an input to bind must be an absolute path: " + input);
            }
        }
        String image = spec.image();
        if (image == null || image.isBlank() || !image.equals(image.strip()) || image.chars().anyMatch(
                Character::isWhitespace) || image.startsWith("-")) {
            throw new IllegalArgumentException("not an image reference: " + image);
        }
    }

    /**
     * The variables to give the runtime so that the command sees exactly the task's environment, each
     * {@code PREFIXNAME=value}.
     */
    public static List<String> environment(Runtime runtime, TaskSpec spec) {
        List<String> assignments = new ArrayList<>();
        for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
            assignments.add(runtime.environmentPrefix + variable.getKey() + "=" + variable.getValue());
        }
        return assignments;
    }

    /** The argument list: the runtime's {@code exec} with its options, the image, then the task's command. */
    public static List<String> command(Runtime runtime, TaskSpec spec) {
        validate(spec);
        List<String> command = new ArrayList<>();
        command.add(runtime.program());
        command.add("exec");
        command.add("--containall");
        command.add("--no-home");
        command.add("--cleanenv");
        command.add("--bind");
        command.add(spec.workDir());
        for (String input : spec.readOnlyPaths()) {
            if (!input.equals(spec.workDir())) {
                command.add("--bind");
                command.add(input + ":" + input + ":ro");
            }
        }
        command.add("--pwd");
        command.add(spec.workDir());
        if (!spec.networkAccess()) {
            command.add("--net");
            command.add("--network");
            command.add("none");
        }
        command.add(imageUri(spec.image()));
        command.addAll(spec.command());
        return command;
    }

    /**
     * The image as the runtime takes it: a Docker reference ({@code debian:12}) becomes {@code docker://debian:12};
     * one with a scheme ({@code docker://}, {@code oras://}, {@code library://}) or an absolute path to a SIF file
     * stays as it is.
     */
    static String imageUri(String image) {
        if (image.contains("://") || image.startsWith("/")) {
            return image;
        }
        return "docker://" + image;
    }

    private static void requireBindable(String what, String path) {
        if (path.indexOf(',') >= 0 || path.indexOf(':') >= 0) {
            throw new IllegalArgumentException(what + " " + path + " holds a comma or a colon, which an Apptainer"
                    + " bind specification cannot carry");
        }
    }
}
