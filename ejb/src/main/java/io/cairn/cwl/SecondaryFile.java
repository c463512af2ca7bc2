package io.cairn.cwl;

/**
 * A {@code secondaryFiles} entry: a pattern naming a file beside the primary one, and whether
 * it must exist.
 *
 * @param pattern  a suffix to append to the primary file's basename, after removing one
 *                 extension for each leading {@code ^} ({@code ^.bai} turns {@code a.bam} into
 *                 {@code a.bai})
 * @param required whether a missing file is an error (CWL: true for inputs, false for outputs,
 *                 unless stated; a pattern ending in {@code ?} is optional)
 */
public record SecondaryFile(String pattern, boolean required) {

    /** The name of the secondary file for a primary file named {@code basename}. */
    public String nameFor(String basename) {
        String name = basename;
        String suffix = pattern;
        while (suffix.startsWith("^")) {
            suffix = suffix.substring(1);
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                name = name.substring(0, dot);
            }
        }
        return name + suffix;
    }
}
