package io.cairn.compute.ra.slurm;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.batch.ArrayScript;
import io.cairn.compute.ra.batch.Json;
import io.cairn.compute.ra.batch.Scheduler;
import io.cairn.compute.ra.batch.SchedulerJob;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Slurm through slurmrestd's REST API v0.0.38 (Slurm 22.05) with a JWT: {@code POST job/submit},
 * {@code GET job/{id}}, {@code DELETE job/{id}}. A job array is one submission with an {@code array} field; its
 * elements are read from {@code GET job/ARRAYID}, which lists the started elements one by one and the pending ones
 * as one record with an {@code array_task_string} ({@code GET job/ARRAYID_INDEX} does not find a pending element). The token is read from its file at every request (so it can be
 * renewed without a redeploy) and never appears in a log or an exception. Jobs run as the token's user.
 */
final class SlurmRest implements Scheduler {

    static final String API = "/slurm/v0.0.38/";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SlurmOptions options;
    private final HttpClient client;
    private final String base;

    SlurmRest(SlurmOptions options) {
        if (options.restUrl() == null || options.restUser() == null || options.jwtFile() == null && options.jwt() == null) {
            throw new IllegalArgumentException("REST mode needs restUrl, restUser and jwt or jwtFile");
        }
        this.options = options;
        String url = options.restUrl().toString();
        this.base = (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + API;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                // the JDK's default asks for an h2c upgrade, and slurmrestd 22.05 answers that with a header the
                // client cannot parse
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String kind() {
        return SlurmBackends.KIND;
    }

    /** The body of {@code POST job/submit}. Slurm needs an environment; the script sets the task's own. */
    static Map<String, Object> submitBody(TaskSpec spec, String jobName, String script, String partition) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", jobName);
        job.put("current_working_directory", "/tmp");
        job.put("standard_input", "/dev/null");
        job.put("standard_output", "/dev/null");
        job.put("standard_error", "/dev/null");
        job.put("environment", Map.of("PATH", "/usr/bin:/bin"));
        job.put("cpus_per_task", spec.cores());
        if (spec.memoryMb() > 0) {
            job.put("memory_per_node", spec.memoryMb());
        }
        if (spec.timeLimitSeconds() > 0) {
            job.put("time_limit", SlurmBackends.minutes(spec.timeLimitSeconds()));
        }
        if (partition != null) {
            job.put("partition", partition);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", script);
        body.put("job", job);
        return body;
    }

    @Override
    public String submit(TaskSpec spec, String jobName, String script) {
        Object answer = send("POST", "job/submit", Json.write(submitBody(spec, jobName, script, options.partition())),
                false);
        Long jobId = Json.number(answer, "job_id");
        if (jobId == null) {
            throw new ComputeException("slurmrestd answered the submission without a job id: " + errors(answer));
        }
        return jobId.toString();
    }

    @Override
    public boolean supportsArrays() {
        return true;
    }

    @Override
    public String submitArray(TaskSpec resources, String jobName, List<String> scripts, int throttle) {
        Map<String, Object> body = submitBody(resources, jobName, ArrayScript.render("SLURM_ARRAY_TASK_ID", scripts),
                options.partition());
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) body.get("job");
        job.put("array", "0-" + (scripts.size() - 1) + "%" + throttle);
        Object answer = send("POST", "job/submit", Json.write(body), false);
        Long jobId = Json.number(answer, "job_id");
        if (jobId == null) {
            throw new ComputeException("slurmrestd answered the array submission without a job id: "
                    + errors(answer));
        }
        return jobId.toString();
    }

    @Override
    public String arrayElement(String arrayJobId, int index) {
        return arrayJobId + "_" + index;
    }

    @Override
    public Map<String, SchedulerJob> query(Map<String, String> jobNames) {
        Map<String, SchedulerJob> jobs = new LinkedHashMap<>();
        Map<String, String> unknown = new LinkedHashMap<>();
        Map<String, Map<String, String>> elements = new LinkedHashMap<>();
        for (Map.Entry<String, String> wanted : jobNames.entrySet()) {
            int underscore = wanted.getKey().indexOf('_');
            if (underscore > 0) {
                elements.computeIfAbsent(wanted.getKey().substring(0, underscore), key -> new LinkedHashMap<>())
                        .put(wanted.getKey(), wanted.getValue());
                continue;
            }
            Object answer = send("GET", "job/" + wanted.getKey(), null, true);
            SchedulerJob job = answer == null ? null : parseJob(answer, wanted.getKey(), wanted.getValue());
            if (job == null) {
                unknown.put(wanted.getKey(), wanted.getValue());
            } else {
                jobs.put(wanted.getKey(), job);
            }
        }
        for (Map.Entry<String, Map<String, String>> array : elements.entrySet()) {
            Object answer = send("GET", "job/" + array.getKey(), null, true);
            for (Map.Entry<String, String> wanted : array.getValue().entrySet()) {
                SchedulerJob job = answer == null ? null : parseElement(answer, wanted.getKey(), wanted.getValue());
                if (job == null) {
                    unknown.put(wanted.getKey(), wanted.getValue());
                } else {
                    jobs.put(wanted.getKey(), job);
                }
            }
        }
        if (!unknown.isEmpty() && options.jobCompFile() != null) {
            jobs.putAll(SlurmCli.fromJobComp(options.jobCompFile(), unknown));
        }
        return jobs;
    }

    /**
     * The element {@code ARRAYID_INDEX} in the answer of {@code GET job/ARRAYID}: its own record once started, else
     * the pending record whose {@code array_task_string} holds the index.
     */
    static SchedulerJob parseElement(Object answer, String element, String jobName) {
        int underscore = element.indexOf('_');
        String arrayJobId = element.substring(0, underscore);
        int index = Integer.parseInt(element.substring(underscore + 1));
        Object pending = null;
        for (Object job : Json.list(answer, "jobs")) {
            if (!arrayJobId.equals(Json.string(job, "array_job_id")) || !jobName.equals(Json.string(job, "name"))) {
                continue;
            }
            Long taskId = Json.number(job, "array_task_id");
            if (taskId != null && taskId == index) {
                return SlurmJobs.fromRest(Json.string(job, "job_state"), Json.number(job, "exit_code"),
                        Json.string(job, "state_reason"), Json.number(job, "start_time"),
                        Json.number(job, "end_time"));
            }
            String rest = Json.string(job, "array_task_string");
            if (taskId == null && rest != null && !rest.isEmpty() && SlurmJobs.inIndexSet(rest, index)) {
                pending = job;
            }
        }
        return pending == null ? null : SlurmJobs.fromRest(Json.string(pending, "job_state"), null,
                Json.string(pending, "state_reason"), null, null);
    }

    /** The job of {@code GET job/{id}}, if the answer holds it with that name. */
    static SchedulerJob parseJob(Object answer, String jobId, String jobName) {
        for (Object job : Json.list(answer, "jobs")) {
            if (jobId.equals(Json.string(job, "job_id")) && jobName.equals(Json.string(job, "name"))) {
                return SlurmJobs.fromRest(Json.string(job, "job_state"), Json.number(job, "exit_code"),
                        Json.string(job, "state_reason"), Json.number(job, "start_time"),
                        Json.number(job, "end_time"));
            }
        }
        return null;
    }

    @Override
    public Optional<String> findByName(String jobName) {
        Object answer = send("GET", "jobs", null, false);
        for (Object job : Json.list(answer, "jobs")) {
            if (jobName.equals(Json.string(job, "name"))) {
                // an array's elements and pending record all carry the array's job id
                Long arrayJobId = Json.number(job, "array_job_id");
                return Optional.ofNullable(arrayJobId != null && arrayJobId > 0 ? arrayJobId.toString()
                        : Json.string(job, "job_id"));
            }
        }
        return Optional.empty();
    }

    @Override
    public void cancel(String jobId) {
        send("DELETE", "job/" + jobId, null, true);
    }

    @Override
    public String describe() {
        Object answer = send("GET", "ping", null, false);
        Object version = Json.member(answer, "meta");
        String release = Json.string(Json.member(version, "Slurm"), "release");
        List<?> pings = Json.list(answer, "pings");
        String controller = pings.isEmpty() ? "no controller"
                : Json.string(pings.get(0), "hostname") + " " + Json.string(pings.get(0), "ping");
        return "Slurm " + release + " (slurmrestd v0.0.38 at " + options.restUrl() + "), controller " + controller;
    }

    /**
     * Sends a request and returns the parsed answer; {@code null} for an unknown job when {@code unknownIsNull}.
     * Errors name the request and Slurm's error text, never the token.
     */
    private Object send(String method, String path, String body, boolean unknownIsNull) {
        String token;
        if (options.jwt() != null) {
            token = options.jwt().strip();
        } else {
            try {
                token = Files.readString(options.jwtFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ComputeException("cannot read the Slurm token file " + options.jwtFile() + ": "
                        + e.getClass().getSimpleName());
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("X-SLURM-USER-NAME", options.restUser()).header("X-SLURM-USER-TOKEN", token)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchedulerUnavailableException("slurmrestd at " + options.restUrl() + " does not answer "
                    + method + " " + path + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchedulerUnavailableException("interrupted during " + method + " " + path);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new ComputeException("slurmrestd refused the token of user " + options.restUser() + " (HTTP "
                    + response.statusCode() + ") for " + method + " " + path);
        }
        Object answer;
        try {
            answer = Json.parse(response.body());
        } catch (IllegalArgumentException e) {
            String text = response.body();
            throw response.statusCode() >= 500 || SlurmBackends.unreachable(text)
                    ? new SchedulerUnavailableException("slurmrestd gave HTTP " + response.statusCode() + " for "
                            + method + " " + path + " without JSON")
                    : new ComputeException("slurmrestd gave HTTP " + response.statusCode() + " for " + method + " "
                            + path + " without JSON");
        }
        String errors = errors(answer);
        if (response.statusCode() / 100 == 2 && errors.isEmpty()) {
            return answer;
        }
        if (unknownIsNull && (errors.contains("Invalid job id") || errors.contains("Unable to find JobId"))) {
            return null;
        }
        String message = "slurmrestd: " + method + " " + path + " gave HTTP " + response.statusCode()
                + (errors.isEmpty() ? "" : ": " + errors);
        if (SlurmBackends.unreachable(errors) || errors.isEmpty() && response.statusCode() >= 500) {
            throw new SchedulerUnavailableException(message);
        }
        throw new ComputeException(message);
    }

    /** Slurm's {@code errors} array as one line. */
    static String errors(Object answer) {
        StringBuilder text = new StringBuilder();
        for (Object error : Json.list(answer, "errors")) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            String description = Json.string(error, "description");
            String name = Json.string(error, "error");
            text.append(name == null ? "" : name);
            if (description != null && !description.isEmpty()) {
                text.append(name == null ? "" : ": ").append(description);
            }
        }
        return text.toString();
    }
}
