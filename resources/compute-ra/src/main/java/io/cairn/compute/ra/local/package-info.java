/**
 * The {@code local} backend: runs tasks as processes of the server's host, each in its own session, with per-task
 * control folders under the pool's state folder so that tasks outlive a server restart and get adopted afterwards.
 */
package io.cairn.compute.ra.local;
