package io.cairn.runs.boundary;

import java.util.Map;

/**
 * What a client asks to run.
 *
 * @param tool     the tool's or workflow's name
 * @param version  the version, or {@code null} for the latest
 * @param inputs   the CWL job object as plain Java values
 * @param pool     the pool to run on, or {@code null} for the default pool
 * @param workflow whether {@code tool} names a workflow
 * @param useCache whether step instances may be served from the call cache
 * @param retries  how many times a step instance whose task the pool lost runs again, or {@code null} for the
 *                 pool's default
 */
public record RunRequest(String tool, Integer version, Map<String, Object> inputs, String pool, boolean workflow,
                         boolean useCache, Integer retries) {

    /** A run that may use the call cache, with the pool's retries. */
    public RunRequest(String tool, Integer version, Map<String, Object> inputs, String pool, boolean workflow) {
        this(tool, version, inputs, pool, workflow, true, null);
    }

    /** A run of a tool. */
    public RunRequest(String tool, Integer version, Map<String, Object> inputs, String pool) {
        this(tool, version, inputs, pool, false);
    }
}
