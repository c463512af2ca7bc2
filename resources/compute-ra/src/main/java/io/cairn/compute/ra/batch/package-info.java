/**
 * What the batch-scheduler backends (Slurm, Grid Engine) share: the job script that runs a task's command exactly
 * (on the host or in an Apptainer container), the script of a job array of such tasks, the per-task records that
 * make submission idempotent and let a restarted server adopt its jobs, the slot queue, polling and the submission
 * rate limit. A scheduler plugs in through {@link io.cairn.compute.ra.batch.Scheduler}, and runs its tools through
 * {@link io.cairn.compute.ra.batch.Commands}.
 */
package io.cairn.compute.ra.batch;
