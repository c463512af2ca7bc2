package io.cairn.compute.ra.slurm;

import java.net.URI;
import java.nio.file.Path;

/**
 * What the Slurm clients need from the pool's configuration.
 *
 * @param partition   the partition to submit to, or null for the cluster's default
 * @param slurmConf   SLURM_CONF for the command-line tools, or null for their default
 * @param jobCompFile the {@code jobcomp/filetxt} file, read for jobs slurmctld no longer holds, or null
 * @param restUrl     slurmrestd's base URL (REST mode)
 * @param restUser    the user whose token is used (REST mode)
 * @param jwtFile     the file holding the token, read at each use (REST mode)
 * @param jwt         the token itself, which wins over {@code jwtFile} when set (REST mode)
 */
record SlurmOptions(String partition, String slurmConf, Path jobCompFile, URI restUrl, String restUser,
                    Path jwtFile, String jwt) {

    /** Options whose token, if any, is read from {@code jwtFile}. */
    SlurmOptions(String partition, String slurmConf, Path jobCompFile, URI restUrl, String restUser, Path jwtFile) {
        this(partition, slurmConf, jobCompFile, restUrl, restUser, jwtFile, null);
    }

    @Override
    public String toString() {
        // the token is never shown
        return "SlurmOptions[partition=" + partition + ", restUrl=" + restUrl + ", restUser=" + restUser + "]";
    }
}
