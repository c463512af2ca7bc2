package io.cairn.compute;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a backend needs to run one command. The command is an argument list and is never
 * handed to a shell by the connector.
 *
 * @param taskId      the caller's id for the task; submitting it twice is idempotent
 * @param command     program and arguments; must not be empty
 * @param environment the complete environment of the command
 * @param workDir     absolute path of the folder the command runs in (created if missing)
 * @param stdin       absolute path of a file to feed on standard input, or {@code null}
 * @param stdout      absolute path that receives standard output
 * @param stderr      absolute path that receives standard error
 * @param cores       CPU cores requested (at least 1)
 * @param memoryMb    memory requested in MiB, 0 if unspecified
 * @param image       container image to run in, or {@code null} to run on the host
 * @param imageRequired whether the task must run in {@code image} (a CWL DockerRequirement given as a requirement);
 *                    when false the image is a hint that a pool without containers may ignore
 * @param readOnlyPaths absolute host paths the command reads (its staged inputs); container backends mount them
 *                    read-only at the same paths, host backends ignore them
 * @param networkAccess whether the command may reach the network (CWL NetworkAccess); container backends cut it off
 *                    otherwise
 * @param timeLimitSeconds wall-clock limit after which the backend kills the task, 0 for none (CWL ToolTimeLimit)
 * @param containerWorkDir where the container sees {@code workDir} and runs the command (CWL
 *                    {@code dockerOutputDirectory}), or {@code null} for {@code workDir} itself; only with a required
 *                    image. A container backend also keeps {@code workDir} at its own path (paths the command line
 *                    names in it stay valid); a backend that cannot place it refuses the task
 * @param containerMounts host files or folders (inside the task's own folders) that the container sees at other,
 *                    absolute paths (CWL InitialWorkDirRequirement entries with an absolute {@code entryname}); only
 *                    with a required image; a backend that cannot mount them refuses the task
 */
public record TaskSpec(String taskId, List<String> command, Map<String, String> environment, String workDir,
                       String stdin, String stdout, String stderr, int cores, long memoryMb, String image,
                       boolean imageRequired, List<String> readOnlyPaths, boolean networkAccess,
                       long timeLimitSeconds, String containerWorkDir, List<Mount> containerMounts)
        implements Serializable {

    /**
     * A host path the container sees at another path.
     *
     * @param source   absolute host path of a file or folder
     * @param target   absolute path inside the container
     * @param readOnly whether the command may not change it
     */
    public record Mount(String source, String target, boolean readOnly) implements Serializable {
        public Mount {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
        }
    }

    /** A task whose container, if any, sees its folders at their own paths only. */
    public TaskSpec(String taskId, List<String> command, Map<String, String> environment, String workDir,
                    String stdin, String stdout, String stderr, int cores, long memoryMb, String image,
                    boolean imageRequired, List<String> readOnlyPaths, boolean networkAccess,
                    long timeLimitSeconds) {
        this(taskId, command, environment, workDir, stdin, stdout, stderr, cores, memoryMb, image, imageRequired,
                readOnlyPaths, networkAccess, timeLimitSeconds, null, List.of());
    }

    /** A task without container settings beyond the image, which is then required when given. */
    public TaskSpec(String taskId, List<String> command, Map<String, String> environment, String workDir,
                    String stdin, String stdout, String stderr, int cores, long memoryMb, String image) {
        this(taskId, command, environment, workDir, stdin, stdout, stderr, cores, memoryMb, image, image != null,
                List.of(), false, 0);
    }

    public TaskSpec {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("a task needs a command");
        }
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        cores = Math.max(1, cores);
        memoryMb = Math.max(0, memoryMb);
        imageRequired = imageRequired && image != null;
        readOnlyPaths = readOnlyPaths == null ? List.of() : List.copyOf(readOnlyPaths);
        timeLimitSeconds = Math.max(0, timeLimitSeconds);
        containerMounts = containerMounts == null ? List.of() : List.copyOf(containerMounts);
        if ((containerWorkDir != null || !containerMounts.isEmpty()) && !imageRequired) {
            throw new IllegalArgumentException("a container work folder or container mounts need a required image");
        }
    }

    /** Whether the task needs its container to see some of its paths elsewhere than on the host. */
    public boolean hasContainerPaths() {
        return containerWorkDir != null || !containerMounts.isEmpty();
    }
}
