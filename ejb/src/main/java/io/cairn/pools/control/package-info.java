/** Reaching the compute connector: pool look-up by JNDI name. */
package io.cairn.pools.control;
