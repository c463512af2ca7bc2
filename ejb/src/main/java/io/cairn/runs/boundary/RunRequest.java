package io.cairn.runs.boundary;

import java.util.Map;

/**
 * What a client asks to run.
 *
 * @param tool    the tool's name
 * @param version the tool version, or {@code null} for the latest
 * @param inputs  the CWL job object as plain Java values
 * @param pool    the pool to run on, or {@code null} for the default pool
 */
public record RunRequest(String tool, Integer version, Map<String, Object> inputs, String pool) {
}
