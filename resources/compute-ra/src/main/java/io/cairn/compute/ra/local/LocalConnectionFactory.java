package io.cairn.compute.ra.local;

import io.cairn.compute.ComputeConnectionFactory;

/**
 * The connection definition of local pools ({@code --connectiondefinition
 * io.cairn.compute.ra.local.LocalConnectionFactory}). It adds nothing: applications use
 * {@link ComputeConnectionFactory}; JCA only needs a distinct interface per connection definition.
 */
public interface LocalConnectionFactory extends ComputeConnectionFactory {
}
