/**
 * The Cairn compute resource adapter: generic JCA plumbing (adapter, managed connections, handles) shared by
 * every backend kind; each kind lives in a sub-package and plugs in through {@link io.cairn.compute.ra.Backend}.
 */
package io.cairn.compute.ra;
