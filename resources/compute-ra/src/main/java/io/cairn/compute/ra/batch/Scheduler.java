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

    /**
     * Whether {@link #submitArray} works: then a long queue of tasks goes out as job arrays, and an element's job
     * id is {@code ARRAYID_INDEX} wherever a job id is used ({@link #query}, {@link #cancel}).
     */
    default boolean supportsArrays() {
        return false;
    }

    /**
     * Submits one job array whose element {@code i} runs {@code scripts.get(i)} (a {@link JobScript}), of which at
     * most {@code throttle} run at once, and returns the array's job id.
     *
     * @param resources the task whose resource requests (cores, memory, time) all elements share
     */
    default String submitArray(TaskSpec resources, String jobName, java.util.List<String> scripts, int throttle) {
        throw new UnsupportedOperationException(kind() + " pools do not submit job arrays");
    }

    /** The job id of an array's element, as {@link #query} and {@link #cancel} take it. */
    default String arrayElement(String arrayJobId, int index) {
        throw new UnsupportedOperationException(kind() + " pools do not submit job arrays");
    }

    /**
     * The id of the job of that name, if the scheduler knows one: used after a crash during submission. For a job
     * array this is the array's job id.
     */
    Optional<String> findByName(String jobName);

    /** Cancels a job; a job that ended or is unknown is left alone. */
    void cancel(String jobId);

    /** A short word on the scheduler (version, cluster) if it answers; throws otherwise. */
    String describe();

    /** Releases what the client holds (an SSH session); called once when the pool shuts down. */
    default void close() {
    }
}
