/**
 * What the batch-scheduler backends (Slurm, Grid Engine) share: the job script that runs a task's command exactly,
 * the per-task records that make submission idempotent and let a restarted server adopt its jobs, the slot queue,
 * polling and the submission rate limit. A scheduler plugs in through {@link io.cairn.compute.ra.batch.Scheduler}.
 */
package io.cairn.compute.ra.batch;
