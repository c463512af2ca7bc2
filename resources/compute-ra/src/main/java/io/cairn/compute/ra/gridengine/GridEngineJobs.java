package io.cairn.compute.ra.gridengine;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.batch.SchedulerJob;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads what Grid Engine says of jobs: the XML of {@code qstat -xml -s prsz} (pending, running, suspended and
 * recently finished "zombie" jobs) and the records of {@code qacct -j}, and maps them to Cairn's states.
 */
final class GridEngineJobs {

    /** A job as {@code qstat -xml} lists it. */
    record Listed(String jobId, String name, String state, Instant startedAt) {

        boolean finished() {
            return state.contains("z");
        }

        boolean inError() {
            return state.contains("E");
        }
    }

    /** One {@code qacct -j} record. */
    record Accounted(String jobId, String name, int failed, String failedText, Integer exitStatus,
                     Instant startedAt, Instant endedAt) {
    }

    /** qacct's {@code failed} value for a job killed because it exceeded h_rt, h_cpu or h_vmem. */
    static final int FAILED_LIMIT = 37;
    /** qacct's {@code failed} value "assumedly after job": the job ran, then got a signal (qdel, for one). */
    static final int FAILED_AFTER_JOB = 100;

    private static final Pattern LEADING_NUMBER = Pattern.compile("^\\s*(-?[0-9]+)");
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy",
            Locale.ENGLISH);
    private static final DateTimeFormatter NUMERIC = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss[.SSS]",
            Locale.ROOT);

    private GridEngineJobs() {
    }

    /** The jobs in {@code qstat -xml} output, in order. */
    static List<Listed> parseQstatXml(String xml) {
        List<Listed> jobs = new ArrayList<>();
        if (xml.isBlank()) {
            return jobs;
        }
        NodeList lists;
        try {
            lists = parser().parse(new InputSource(new StringReader(xml))).getElementsByTagName("job_list");
        } catch (SAXException | IOException e) {
            throw new ComputeException("qstat printed XML that cannot be read: " + e.getMessage(), e);
        }
        for (int i = 0; i < lists.getLength(); i++) {
            Element job = (Element) lists.item(i);
            String id = child(job, "JB_job_number");
            if (id == null) {
                continue;
            }
            String start = child(job, "JAT_start_time");
            jobs.add(new Listed(id, String.valueOf(child(job, "JB_name")), String.valueOf(child(job, "state")),
                    start == null ? null : isoTime(start, ZoneId.systemDefault())));
        }
        return jobs;
    }

    /** The records of {@code qacct -j} output, in the order printed (oldest first). */
    static List<Accounted> parseQacct(String stdout, ZoneId zone) {
        List<Accounted> records = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : (stdout + "\n==").split("\n")) {
            if (line.startsWith("==")) {
                Accounted record = record(fields, zone);
                if (record != null) {
                    records.add(record);
                }
                fields.clear();
                continue;
            }
            String trimmed = line.strip();
            int space = indexOfWhitespace(trimmed);
            if (space > 0) {
                fields.putIfAbsent(trimmed.substring(0, space), trimmed.substring(space).strip());
            }
        }
        return records;
    }

    private static Accounted record(Map<String, String> fields, ZoneId zone) {
        String id = fields.get("jobnumber");
        if (id == null) {
            return null;
        }
        String failed = fields.getOrDefault("failed", "0");
        Integer failedCode = leadingNumber(failed);
        int colon = failed.indexOf(':');
        return new Accounted(id, fields.get("jobname"), failedCode == null ? 0 : failedCode,
                colon < 0 ? "" : failed.substring(colon + 1).strip(), leadingNumber(fields.get("exit_status")),
                time(fields.get("start_time"), zone), time(fields.get("end_time"), zone));
    }

    /**
     * Maps a listed job's state letters to Cairn's: a pending job ({@code qw}, {@code hqw}, {@code Rq}: the letters
     * hold {@code q} or {@code w}) is QUEUED, one being sent to its host ({@code t}) INITIALIZING, and every other
     * ({@code r}, {@code Rr}, {@code s}, {@code S}, {@code T}, {@code dr} for being deleted) RUNNING. Error
     * ({@code E}) and finished ({@code z}) jobs are left to the caller, which knows more.
     */
    static SchedulerJob fromListed(Listed job) {
        String state = job.state();
        if (state.contains("q") || state.contains("w")) {
            return new SchedulerJob(TaskState.QUEUED, state, null, null, null, null);
        }
        if (state.contains("t")) {
            return new SchedulerJob(TaskState.INITIALIZING, state, null, null, job.startedAt(), null);
        }
        return new SchedulerJob(TaskState.RUNNING, state, null, null, job.startedAt(), null);
    }

    /**
     * Maps an accounting record. {@code failed} 0 means the command ran to its end, so its exit status decides;
     * {@link #FAILED_AFTER_JOB} means it ran and a signal ended it (128 + signal); {@link #FAILED_LIMIT} means Grid
     * Engine killed it for exceeding its time or memory; anything else is Grid Engine's failure to run the job.
     */
    static SchedulerJob fromAccounted(Accounted record) {
        int failed = record.failed();
        Integer exit = record.exitStatus();
        String raw = "failed=" + failed + (exit == null ? "" : " exit_status=" + exit);
        if (failed == 0 || failed == FAILED_AFTER_JOB) {
            if (exit == null) {
                return new SchedulerJob(TaskState.SYSTEM_ERROR, raw, null,
                        "Grid Engine recorded no exit status for job " + record.jobId(), record.startedAt(),
                        record.endedAt());
            }
            String why = failed == FAILED_AFTER_JOB && exit > 128 ? "ended by signal " + (exit - 128) : null;
            return new SchedulerJob(exit == 0 ? TaskState.COMPLETE : TaskState.EXECUTOR_ERROR, raw, exit, why,
                    record.startedAt(), record.endedAt());
        }
        String text = record.failedText().isEmpty() ? "failed " + failed : record.failedText();
        if (failed == FAILED_LIMIT) {
            return new SchedulerJob(TaskState.EXECUTOR_ERROR, raw, exit == null ? 137 : exit,
                    "the task exceeded its time or memory limit (Grid Engine: " + text + ")", record.startedAt(),
                    record.endedAt());
        }
        return new SchedulerJob(TaskState.SYSTEM_ERROR, raw, null,
                "Grid Engine could not run job " + record.jobId() + ": " + failed + " : " + text, record.startedAt(),
                record.endedAt());
    }

    /** qacct's times: {@code Wed Dec  2 17:56:14 2026} (8.1.9) or {@code 12/02/2026 17:56:14.123}; null for "-/-". */
    static Instant time(String text, ZoneId zone) {
        if (text == null || text.isBlank() || !Character.isLetterOrDigit(text.strip().charAt(0))) {
            return null;
        }
        String normal = text.strip().replaceAll("\\s+", " ");
        for (DateTimeFormatter format : new DateTimeFormatter[] {CTIME, NUMERIC}) {
            try {
                return LocalDateTime.parse(normal, format).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return null;
    }

    /** qstat's XML times: {@code 2026-12-02T17:55:51} (optionally with milliseconds), local time. */
    static Instant isoTime(String text, ZoneId zone) {
        try {
            return LocalDateTime.parse(text.strip()).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Integer leadingNumber(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = LEADING_NUMBER.matcher(text);
        return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getTagName())) {
                return element.getTextContent().strip();
            }
        }
        return null;
    }

    /** A parser that reads no DTD and no external entity. */
    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser: " + e.getMessage(), e);
        }
    }
}
