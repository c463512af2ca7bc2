/**
 * The compute connector API in Cairn's own words: callers submit a {@link io.cairn.compute.TaskSpec}
 * through a {@link io.cairn.compute.ComputeConnection} and never see a backend client type.
 */
package io.cairn.compute;
