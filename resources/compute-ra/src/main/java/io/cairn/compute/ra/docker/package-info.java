/**
 * The {@code docker} backend: runs tasks as containers of a dockerd reached over its unix socket with a small
 * HTTP/1.1 client of its own; dockerd holds queued and running tasks (as created and running containers), the
 * pool's state folder holds the results of finished ones.
 */
package io.cairn.compute.ra.docker;
