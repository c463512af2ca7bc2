package io.cairn.cwl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ready-to-run command: never a shell string.
 *
 * @param argv       program and arguments
 * @param stdin      absolute path to feed on standard input, or null
 * @param stdoutFile file name (relative to the output directory) capturing stdout, or null
 * @param stderrFile file name (relative to the output directory) capturing stderr, or null
 * @param env        variables from EnvVarRequirement, evaluated
 */
public record BuiltCommand(List<String> argv, String stdin, String stdoutFile, String stderrFile,
                           Map<String, String> env) {

    public BuiltCommand {
        argv = List.copyOf(argv);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }
}
