/** Compute pools: which exist, how busy and healthy they are. */
package io.cairn.pools.boundary;
