package io.cairn.cwl;

/**
 * The {@code runtime} object seen by parameter references: where the tool runs (paths as the
 * tool sees them, e.g. inside its container) and what it was given.
 *
 * @param cores CPU cores reserved
 * @param ram   RAM reserved, in MiB
 */
public record RuntimeContext(String outdir, String tmpdir, int cores, long ram) {
}
