/**
 * The {@code kubernetes} backend: runs tasks as {@code batch/v1} Jobs in one namespace, reached with fabric8's client
 * on the JDK's HTTP client; the cluster holds queued (suspended) and running Jobs, the pool's state folder holds the
 * results of finished ones.
 */
package io.cairn.compute.ra.kubernetes;
