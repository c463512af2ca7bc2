/**
 * The {@code gridengine} backend: tasks run as Grid Engine (SGE 8.1) batch jobs submitted with {@code qsub} and
 * watched with {@code qstat} and {@code qacct}, on top of the shared queue, records and polling of
 * {@link io.cairn.compute.ra.batch}.
 */
package io.cairn.compute.ra.gridengine;
