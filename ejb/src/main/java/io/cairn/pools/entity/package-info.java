/** What Cairn stores about pools defined through the API. */
package io.cairn.pools.entity;
