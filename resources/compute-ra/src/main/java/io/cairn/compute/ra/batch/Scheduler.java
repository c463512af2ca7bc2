package io.cairn.compute.ra.batch;

import io.cairn.compute.TaskSpec;
import java.util.Map;
import java.util.Optional;

/**
 * One batch scheduler as {@link BatchBackend} uses it. Methods throw {@link SchedulerUnavailableException} when the
 * scheduler cannot be reached (the call may be retried later) and {@link io.cairn.compute.ComputeException} when it
 * answered with a refusal.
 */
public interface Scheduler {

    /** The backend kind ({@code slurm}, {@code gridengine}). */
    String kind();

    /**
     * Submits a job and returns the scheduler's job id.
     *
     * @param jobName a name unique to the task, by which {@link #findByName(String)} finds the job again
     * @param script  the job script from {@link JobScript}
     */
    String submit(TaskSpec spec, String jobName, String script);

    /**
     * What the scheduler knows of these jobs, by job id. A job it does not know (any more) is missing from the
     * answer; a scheduler with a record of finished jobs (an accounting or job completion file) looks there before
     * leaving one out, and checks the job's name there, since job ids may be reused after a scheduler lost its state.
     *
     * @param jobNames the job's name by job id
     */
    Map<String, SchedulerJob> query(Map<String, String> jobNames);

    /** The id of the job of that name, if the scheduler knows one: used after a crash during submission. */
    Optional<String> findByName(String jobName);

    /** Cancels a job; a job that ended or is unknown is left alone. */
    void cancel(String jobId);

    /** A short word on the scheduler (version, cluster) if it answers; throws otherwise. */
    String describe();
}
