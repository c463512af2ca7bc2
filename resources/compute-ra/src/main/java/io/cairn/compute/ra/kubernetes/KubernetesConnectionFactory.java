package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.ComputeConnectionFactory;

/**
 * The connection definition of kubernetes pools ({@code --connectiondefinition
 * io.cairn.compute.ra.kubernetes.KubernetesConnectionFactory}). It adds nothing: applications use
 * {@link ComputeConnectionFactory}; JCA only needs a distinct interface per connection definition.
 */
public interface KubernetesConnectionFactory extends ComputeConnectionFactory {
}
