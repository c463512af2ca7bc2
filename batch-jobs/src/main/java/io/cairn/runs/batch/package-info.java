/**
 * The batch side of runs: the job's artifacts and {@link io.cairn.runs.batch.RunJobs}, the only
 * bean that starts, queries and stops the jobs (Payara lets only the starting component do so).
 */
package io.cairn.runs.batch;
