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
 */
public record TaskSpec(String taskId, List<String> command, Map<String, String> environment, String workDir,
                       String stdin, String stdout, String stderr, int cores, long memoryMb, String image)
        implements Serializable {

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
    }
}
