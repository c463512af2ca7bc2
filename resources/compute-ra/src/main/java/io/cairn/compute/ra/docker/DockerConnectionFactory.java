package io.cairn.compute.ra.docker;

import io.cairn.compute.ComputeConnectionFactory;

/**
 * The connection definition of docker pools ({@code --connectiondefinition
 * io.cairn.compute.ra.docker.DockerConnectionFactory}). It adds nothing: applications use
 * {@link ComputeConnectionFactory}; JCA only needs a distinct interface per connection definition.
 */
public interface DockerConnectionFactory extends ComputeConnectionFactory {
}
