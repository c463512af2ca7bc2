package io.cairn.compute.ra.slurm;

import io.cairn.compute.ComputeConnectionFactory;

/**
 * The connection definition of Slurm pools ({@code --connectiondefinition
 * io.cairn.compute.ra.slurm.SlurmConnectionFactory}). It adds nothing: applications use
 * {@link ComputeConnectionFactory}; JCA only needs a distinct interface per connection definition.
 */
public interface SlurmConnectionFactory extends ComputeConnectionFactory {
}
