package io.cairn.compute.ra.batch;

import java.util.List;

/**
 * Renders the script of a job array whose elements run different tasks: a {@code case} over the scheduler's array
 * index variable, in which element {@code i} replaces itself with {@code /bin/sh -c} and the {@code i}-th task's own
 * {@link JobScript}, passed as one {@link ShellQuoting single-quoted} word. Nothing is written on a shared disk: the
 * scripts travel inside the array's script. An index without a task exits {@link JobScript#SETUP_FAILED}.
 */
public final class ArrayScript {

    private ArrayScript() {
    }

    /**
     * @param indexVariable the variable holding the element's index ({@code SLURM_ARRAY_TASK_ID}); indexes start at 0
     * @param scripts       the tasks' scripts, by index
     */
    public static String render(String indexVariable, List<String> scripts) {
        if (!indexVariable.matches("[A-Z_][A-Z0-9_]*")) {
            throw new IllegalArgumentException("not a variable name: " + indexVariable);
        }
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("a job array needs at least one task");
        }
        int size = scripts.stream().mapToInt(script -> script.length() + 32).sum();
        StringBuilder out = new StringBuilder(size + 256);
        out.append("#!/bin/sh\n");
        out.append("# Cairn job array: element N runs the N-th task's script, each one single-quoted word\n");
        out.append("case ${").append(indexVariable).append(":-} in\n");
        for (int i = 0; i < scripts.size(); i++) {
            out.append(i).append(") exec /bin/sh -c ").append(ShellQuoting.quote(scripts.get(i))).append(" ;;\n");
        }
        out.append("*) exit ").append(JobScript.SETUP_FAILED).append(" ;;\n");
        out.append("esac\n");
        return out.toString();
    }
}
