package io.cairn.compute.ra.gridengine;

/**
 * What the Grid Engine client needs from the pool's configuration.
 *
 * @param sgeRoot             SGE_ROOT for the tools, or null for the server's own environment
 * @param sgeCell             SGE_CELL for the tools, or null for the server's own environment
 * @param queue               the queue to submit to ({@code -q}), or null for any queue
 * @param parallelEnvironment the parallel environment that gives a task several slots on one host ({@code -pe}), or
 *                            null to submit every task with one slot
 * @param memoryResource      the resource that carries a task's memory per slot ({@code -l h_vmem=...}), or null to
 *                            request none
 * @param submitUser          the user that runs the tools (and so the jobs), or null for the server's own user
 * @param binDir              the folder of qsub, qstat, qacct, qdel and qconf, or null to find them on the PATH
 */
record GridEngineOptions(String sgeRoot, String sgeCell, String queue, String parallelEnvironment,
                         String memoryResource, String submitUser, String binDir) {
}
