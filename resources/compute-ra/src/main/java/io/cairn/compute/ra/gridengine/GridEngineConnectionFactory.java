package io.cairn.compute.ra.gridengine;

import io.cairn.compute.ComputeConnectionFactory;

/**
 * The connection definition of Grid Engine pools ({@code --connectiondefinition
 * io.cairn.compute.ra.gridengine.GridEngineConnectionFactory}). It adds nothing: applications use
 * {@link ComputeConnectionFactory}; JCA only needs a distinct interface per connection definition.
 */
public interface GridEngineConnectionFactory extends ComputeConnectionFactory {
}
