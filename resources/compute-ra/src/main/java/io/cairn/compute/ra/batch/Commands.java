package io.cairn.compute.ra.batch;

import java.util.List;

/**
 * Runs a scheduler's command-line tools somewhere: on this host ({@link CommandRunner}) or on a login node over SSH.
 * A command is always an argument list; an implementation that needs a command line quotes every argument.
 */
public interface Commands {

    /**
     * Runs the command with an optional text on standard input and waits for it.
     *
     * @throws SchedulerUnavailableException when the command cannot be run now (a lost connection, a time limit)
     * @throws io.cairn.compute.ComputeException when it can never run as configured (a missing tool, a refused key)
     */
    CommandRunner.Result run(List<String> command, String stdin);

    /** Where the commands run, for messages ({@code this host}, {@code ssh slurm@login:22}). */
    String where();
}
