/** Runs: submitting a tool version with inputs to a pool, following it, reading its logs and outputs. */
package io.cairn.runs.boundary;
