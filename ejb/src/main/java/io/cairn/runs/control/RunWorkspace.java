package io.cairn.runs.control;

import java.nio.file.Path;

/**
 * The folders of one run under {@code <data>/runs/<id>}: {@code work} (the tool's output folder
 * and working directory), {@code tmp}, {@code inputs} (staged input files) and {@code logs}.
 */
public record RunWorkspace(Path root) {

    public static RunWorkspace of(Path runsDir, String runId) {
        return new RunWorkspace(runsDir.resolve(runId));
    }

    public Path work() {
        return root.resolve("work");
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    public Path inputs() {
        return root.resolve("inputs");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    /**
     * Where a stream goes: a file named by the tool inside the work folder, or the run's log
     * folder when the tool does not redirect it.
     */
    public Path streamFile(String toolGivenName, String defaultName) {
        if (toolGivenName == null) {
            return logs().resolve(defaultName);
        }
        Path file = work().resolve(toolGivenName).normalize();
        if (!file.startsWith(work()) || file.equals(work())) {
            throw new IllegalArgumentException("stream file '" + toolGivenName + "' is outside the run's output folder");
        }
        return file;
    }
}
