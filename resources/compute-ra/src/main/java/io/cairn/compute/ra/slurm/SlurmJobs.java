package io.cairn.compute.ra.slurm;

import io.cairn.compute.TaskState;
import io.cairn.compute.ra.batch.SchedulerJob;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what Slurm says of jobs: {@code scontrol -o show job} lines and {@code jobcomp/filetxt} lines (both
 * {@code Key=Value} pairs separated by spaces), slurmrestd's numbers, and Slurm's job states as Cairn's.
 */
final class SlurmJobs {

    private static final Logger LOG = Logger.getLogger(SlurmJobs.class.getName());
    /** A key starts a field: at the start of the line or after a space. Values may hold spaces. */
    private static final Pattern KEY = Pattern.compile("(?:^| )([A-Za-z][A-Za-z0-9_/:]*)=");
    private static final Pattern STATE = Pattern.compile("^[A-Z_]+");

    private SlurmJobs() {
    }

    /** The fields of one {@code Key=Value ...} line, in order; a value runs up to the next key. */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = KEY.matcher(line);
        String key = null;
        int valueStart = 0;
        while (matcher.find()) {
            if (key != null) {
                fields.putIfAbsent(key, line.substring(valueStart, matcher.start()).trim());
            }
            key = matcher.group(1);
            valueStart = matcher.end();
        }
        if (key != null) {
            fields.putIfAbsent(key, line.substring(valueStart).trim());
        }
        return fields;
    }

    /** A job from {@code scontrol -o show job} or jobcomp fields; {@code ExitCode} is {@code exit:signal}. */
    static SchedulerJob fromFields(Map<String, String> fields, ZoneId zone) {
        Integer[] exit = exitCode(fields.get("ExitCode"));
        return job(fields.get("JobState"), exit[0], exit[1], fields.get("Reason"),
                time(fields.get("StartTime"), zone), time(fields.get("EndTime"), zone));
    }

    /**
     * A job from slurmrestd v0.0.38: {@code exit_code} is the raw wait status (exit code in the high byte, signal
     * in the low 7 bits), times are epoch seconds, 0 for unset.
     */
    static SchedulerJob fromRest(String jobState, Long waitStatus, String reason, Long startTime, Long endTime) {
        Integer exit = null;
        Integer signal = null;
        if (waitStatus != null) {
            exit = (int) ((waitStatus >> 8) & 0xff);
            signal = (int) (waitStatus & 0x7f);
        }
        return job(jobState, exit, signal, reason, epoch(startTime), epoch(endTime));
    }

    /**
     * Whether an array index is in Slurm's index set: {@code 5}, {@code 0-99}, {@code 1,3,7-9}, any of them with a
     * throttle ({@code %10}) or a step ({@code 0-99:2}).
     */
    static boolean inIndexSet(String set, int index) {
        String text = set.trim();
        int percent = text.indexOf('%');
        if (percent >= 0) {
            text = text.substring(0, percent);
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        for (String part : text.split(",")) {
            try {
                int colon = part.indexOf(':');
                int step = colon < 0 ? 1 : Integer.parseInt(part.substring(colon + 1));
                String range = colon < 0 ? part : part.substring(0, colon);
                int dash = range.indexOf('-');
                int low = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int high = dash < 0 ? low : Integer.parseInt(range.substring(dash + 1));
                if (index >= low && index <= high && (index - low) % Math.max(step, 1) == 0) {
                    return true;
                }
            } catch (NumberFormatException e) {
                LOG.fine(() -> "unreadable Slurm array index set " + set);
            }
        }
        return false;
    }

    /** {@code 3:0} as {exit, signal}; nulls when absent or unreadable. */
    static Integer[] exitCode(String text) {
        if (text == null) {
            return new Integer[] {null, null};
        }
        String[] parts = text.trim().split(":", 2);
        try {
            return new Integer[] {Integer.valueOf(parts[0]), parts.length > 1 ? Integer.valueOf(parts[1]) : 0};
        } catch (NumberFormatException e) {
            return new Integer[] {null, null};
        }
    }

    /**
     * Maps a Slurm job state to Cairn's. States not known here count as running (not terminal), so that a newer
     * Slurm's state never ends a task by mistake.
     */
    static SchedulerJob job(String rawState, Integer exit, Integer signal, String reason, Instant startedAt,
                            Instant endedAt) {
        String state = normalize(rawState);
        Integer code = exit == null ? null : signal != null && signal != 0 ? 128 + signal : exit;
        String why = reason == null || reason.isBlank() || "None".equals(reason) ? null : reason;
        return switch (state) {
            case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "SPECIAL_EXIT" ->
                    new SchedulerJob(TaskState.QUEUED, state, null, null, null, null);
            case "CONFIGURING" -> new SchedulerJob(TaskState.INITIALIZING, state, null, null, startedAt, null);
            case "RUNNING", "COMPLETING", "SIGNALING", "STAGE_OUT", "RESIZING", "SUSPENDED", "STOPPED" ->
                    new SchedulerJob(TaskState.RUNNING, state, null, null, startedAt, null);
            case "COMPLETED" -> new SchedulerJob(code == null || code == 0 ? TaskState.COMPLETE
                    : TaskState.EXECUTOR_ERROR, state, code == null ? 0 : code, null, startedAt, endedAt);
            case "FAILED" -> code == null || code == 0
                    ? new SchedulerJob(TaskState.SYSTEM_ERROR, state, null,
                            "Slurm job FAILED without an exit code" + (why == null ? "" : " (" + why + ")"),
                            startedAt, endedAt)
                    : new SchedulerJob(TaskState.EXECUTOR_ERROR, state, code, null, startedAt, endedAt);
            case "TIMEOUT" -> new SchedulerJob(TaskState.EXECUTOR_ERROR, state, code,
                    "the task exceeded its time limit", startedAt, endedAt);
            case "OUT_OF_MEMORY" -> new SchedulerJob(TaskState.EXECUTOR_ERROR, state, code,
                    "the task exceeded its memory", startedAt, endedAt);
            case "CANCELLED" -> new SchedulerJob(TaskState.CANCELED, state, null,
                    "canceled in Slurm" + (why == null ? "" : " (" + why + ")"), startedAt, endedAt);
            case "NODE_FAIL", "BOOT_FAIL", "PREEMPTED", "DEADLINE", "REVOKED" ->
                    new SchedulerJob(TaskState.SYSTEM_ERROR, state, null,
                            "Slurm job ended " + state + (why == null ? "" : " (" + why + ")"), startedAt, endedAt);
            default -> {
                LOG.fine(() -> "unknown Slurm job state " + rawState + "; taken as running");
                yield new SchedulerJob(TaskState.RUNNING, state, null, null, startedAt, null);
            }
        };
    }

    /** {@code CANCELLED by 0} and {@code CANCELLED+} are {@code CANCELLED}. */
    static String normalize(String rawState) {
        if (rawState == null) {
            return "";
        }
        Matcher matcher = STATE.matcher(rawState.trim().toUpperCase(java.util.Locale.ROOT));
        return matcher.find() ? matcher.group() : "";
    }

    /** Slurm's local time ({@code 2026-12-02T07:58:25}) in the controller's zone; null for Unknown, None, N/A. */
    static Instant time(String text, ZoneId zone) {
        if (text == null || text.isEmpty() || !Character.isDigit(text.charAt(0))) {
            return null;
        }
        try {
            return LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The last {@code jobcomp/filetxt} line of each wanted job whose id and name both match, read in one pass.
     *
     * @param jobNames the job's name by job id
     */
    static Map<String, Map<String, String>> fromJobComp(java.nio.file.Path file, Map<String, String> jobNames)
            throws java.io.IOException {
        try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(file,
                java.nio.charset.StandardCharsets.UTF_8)) {
            return fromJobComp(reader, jobNames);
        }
    }

    /**
     * As {@link #fromJobComp(java.nio.file.Path, Map)}, from lines already read. An array element, wanted as
     * {@code ARRAYID_INDEX}, is the line with {@code ArrayJobId=ARRAYID ArrayTaskId=INDEX}.
     */
    static Map<String, Map<String, String>> fromJobComp(java.io.BufferedReader reader, Map<String, String> jobNames)
            throws java.io.IOException {
        Map<String, Map<String, String>> found = new LinkedHashMap<>();
        boolean elementsWanted = jobNames.keySet().stream().anyMatch(jobId -> jobId.indexOf('_') > 0);
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.startsWith("JobId=")) {
                continue;
            }
            int end = line.indexOf(' ');
            String jobId = line.substring("JobId=".length(), end < 0 ? line.length() : end);
            Map<String, String> fields = null;
            if (elementsWanted && line.contains(" ArrayJobId=")) {
                fields = fields(line);
                String arrayJobId = fields.get("ArrayJobId");
                String arrayTaskId = fields.get("ArrayTaskId");
                if (arrayJobId != null && arrayTaskId != null && jobNames.containsKey(arrayJobId + "_" + arrayTaskId)) {
                    jobId = arrayJobId + "_" + arrayTaskId;
                }
            }
            String name = jobNames.get(jobId);
            if (name == null) {
                continue;
            }
            if (fields == null) {
                fields = fields(line);
            }
            if (name.equals(fields.get("Name"))) {
                found.put(jobId, fields);
            }
        }
        return found;
    }

    private static Instant epoch(Long seconds) {
        return seconds == null || seconds <= 0 ? null : Instant.ofEpochSecond(seconds);
    }
}
