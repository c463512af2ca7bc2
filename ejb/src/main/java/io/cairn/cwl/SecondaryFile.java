package io.cairn.cwl;

/**
 * A {@code secondaryFiles} entry: a pattern (or an expression) naming files beside the primary
 * one, and whether they must exist.
 *
 * @param pattern            a suffix to append to the primary file's basename, after removing one
 *                           extension for each leading {@code ^} ({@code ^.bai} turns {@code a.bam}
 *                           into {@code a.bai}); or an expression ({@code $(...)}, {@code ${...}}),
 *                           evaluated with {@code self} the primary File, that gives file names
 *                           relative to the primary file's folder, File or Directory objects, arrays
 *                           of those, or null (see {@link SecondaryFiles})
 * @param required           whether a missing file is an error (CWL: true for inputs, false for
 *                           outputs, unless stated; a pattern ending in {@code ?} is optional)
 * @param requiredExpression an expression giving {@code required} for each primary File, or null
 *                           when {@code required} is fixed
 */
public record SecondaryFile(String pattern, boolean required, String requiredExpression) {

    public SecondaryFile(String pattern, boolean required) {
        this(pattern, required, null);
    }

    /** Whether the pattern is an expression, evaluated for each primary File. */
    public boolean isExpression() {
        return ParameterReferences.mayContainReferences(pattern);
    }

    /** The name of the secondary file for a primary file named {@code basename} (a literal pattern only). */
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
