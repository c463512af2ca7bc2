package io.cairn.compute.ra.batch;

import io.cairn.compute.TaskSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Renders the batch script of a task. The script is fixed; the task's data appears in it only through
 * {@link ShellQuoting#quote(String)}. It
 * <ol>
 *   <li>creates the folders of the standard output and error files and sends its own output there, byte for byte
 *       (the scheduler's own output file is {@code /dev/null});</li>
 *   <li>creates the working folder and changes into it;</li>
 *   <li>replaces itself ({@code exec}) with {@code env -i} and the task's exact environment, which runs the command's
 *       argument list as a program: no shell sees the arguments, and the command's exit code is the job's.</li>
 * </ol>
 * When a folder cannot be made or entered, the script exits with {@link #SETUP_FAILED} and says why on the task's
 * standard error.
 *
 * <p>With a container runtime and a task that names an image, step 3 runs the {@link ApptainerCommand} instead,
 * with the task's environment handed to the runtime as its {@code APPTAINERENV_} variables; the runtime finds its
 * program in {@code /usr/local/bin:/usr/bin:/bin}.
 */
public final class JobScript {

    /** The exit code of a script that could not prepare the task's folders. */
    public static final int SETUP_FAILED = 125;

    private static final String ENV = "/usr/bin/env";
    private static final String RUNTIME_PATH = "PATH=/usr/local/bin:/usr/bin:/bin";

    private JobScript() {
    }

    /** Checks what the script cannot carry; see {@link #render(TaskSpec, String)}. */
    public static void validate(TaskSpec spec) {
        requireAbsolute("workDir", spec.workDir());
        requireAbsolute("stdout", spec.stdout());
        requireAbsolute("stderr", spec.stderr());
        if (spec.stdin() != null) {
            requireAbsolute("stdin", spec.stdin());
        }
        for (String argument : spec.command()) {
            requireNoNul("a command argument", argument);
        }
        String program = spec.command().get(0);
        if (program.indexOf('=') >= 0) {
            // env would take it for a variable assignment
            throw new IllegalArgumentException("the program name must not contain '=': " + program);
        }
        for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
            String name = variable.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name: " + name);
            }
            requireNoNul("an environment variable name", name);
            requireNoNul("the value of environment variable " + name, variable.getValue());
        }
    }

    /**
     * The script.
     *
     * @param label a comment line naming the task (for someone reading the scheduler's copy); quoted like data
     */
    public static String render(TaskSpec spec, String label) {
        return render(spec, label, null);
    }

    /**
     * The script, running the command in the task's image with that runtime when the task names an image.
     *
     * @param runtime null to run the command on the node's host
     */
    public static String render(TaskSpec spec, String label, ApptainerCommand.Runtime runtime) {
        validate(spec);
        boolean contained = runtime != null && spec.image() != null;
        if (contained) {
            ApptainerCommand.validate(spec);
        }
        StringBuilder script = new StringBuilder(512);
        script.append("#!/bin/sh\n");
        script.append("# Cairn task; every value below is single-quoted data\n");
        script.append(": ").append(ShellQuoting.quote(label)).append('\n');
        script.append("PATH=/usr/bin:/bin\n");
        script.append("mkdir -p -- ").append(ShellQuoting.quote(parentOf(spec.stdout()))).append(' ')
                .append(ShellQuoting.quote(parentOf(spec.stderr()))).append(" || exit ").append(SETUP_FAILED)
                .append('\n');
        script.append("exec >").append(ShellQuoting.quote(spec.stdout())).append(" 2>")
                .append(ShellQuoting.quote(spec.stderr())).append(" || exit ").append(SETUP_FAILED).append('\n');
        String workDir = ShellQuoting.quote(spec.workDir());
        script.append("mkdir -p -- ").append(workDir).append(" && cd -- ").append(workDir).append(" || exit ")
                .append(SETUP_FAILED).append('\n');
        script.append("exec ").append(ENV).append(" -i --");
        if (contained) {
            // the runtime's own environment: a fixed PATH to find it, and the node's HOME if the job has one
            script.append(" \\\n  ").append(RUNTIME_PATH).append(" \\\n  ${HOME:+\"HOME=$HOME\"}");
            for (String assignment : ApptainerCommand.environment(runtime, spec)) {
                script.append(" \\\n  ").append(ShellQuoting.quote(assignment));
            }
            for (String argument : ApptainerCommand.command(runtime, spec)) {
                script.append(" \\\n  ").append(ShellQuoting.quote(argument));
            }
        } else {
            for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
                script.append(" \\\n  ").append(ShellQuoting.quote(variable.getKey() + "=" + variable.getValue()));
            }
            for (String argument : spec.command()) {
                script.append(" \\\n  ").append(ShellQuoting.quote(argument));
            }
        }
        script.append(" \\\n  <").append(ShellQuoting.quote(spec.stdin() == null ? "/dev/null" : spec.stdin()))
                .append('\n');
        return script.toString();
    }

    private static String parentOf(String file) {
        Path parent = Path.of(file).getParent();
        return parent == null ? "/" : parent.toString();
    }

    private static void requireAbsolute(String what, String path) {
        requireNoNul(what, path);
        if (!Path.of(path).isAbsolute()) {
            throw new IllegalArgumentException(what + " must be an absolute path: " + path);
        }
    }

    private static void requireNoNul(String what, String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character");
        }
    }
}
