/**
 * The {@code slurm} backend: tasks run as Slurm batch jobs (or elements of job arrays), submitted with the
 * command-line tools ({@code sbatch}, {@code scontrol}, {@code scancel}) on this host or on a login node over SSH, or
 * through slurmrestd's REST API with a JWT, on top of the shared queue, records and polling of
 * {@link io.cairn.compute.ra.batch}.
 */
package io.cairn.compute.ra.slurm;
