/** The steps of a run that the batch job calls: staging, task specs, recording results. */
package io.cairn.runs.control;
