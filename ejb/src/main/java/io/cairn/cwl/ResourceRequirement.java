package io.cairn.cwl;

/**
 * Requested resources as written (null = not given). The {@code min*()} helpers apply the CWL
 * rules: a missing min takes the max, a missing max takes the min, and with neither the CWL
 * default applies (1 core, 256 MiB RAM, 1024 MiB tmpdir and outdir); fractions round up.
 */
public record ResourceRequirement(Double coresMin, Double coresMax, Double ramMin, Double ramMax,
                                  Double tmpdirMin, Double tmpdirMax, Double outdirMin, Double outdirMax) {

    /** Default resources, as if no ResourceRequirement was given. */
    public static final ResourceRequirement DEFAULTS =
            new ResourceRequirement(null, null, null, null, null, null, null, null);

    public int minCores() {
        return (int) Math.ceil(effectiveMin(coresMin, coresMax, 1));
    }

    public long minRamMiB() {
        return (long) Math.ceil(effectiveMin(ramMin, ramMax, 256));
    }

    public long minTmpdirMiB() {
        return (long) Math.ceil(effectiveMin(tmpdirMin, tmpdirMax, 1024));
    }

    public long minOutdirMiB() {
        return (long) Math.ceil(effectiveMin(outdirMin, outdirMax, 1024));
    }

    private static double effectiveMin(Double min, Double max, double dflt) {
        if (min != null) {
            return min;
        }
        return max != null ? max : dflt;
    }
}
