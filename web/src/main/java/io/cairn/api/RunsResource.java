package io.cairn.api;

import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.platform.JsonValues;
import io.cairn.platform.Problem;
import io.cairn.runs.batch.RunJobs;
import io.cairn.runs.boundary.RunRequest;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.control.RetryPolicy;
import io.cairn.runs.entity.CacheEntry;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import io.cairn.runs.entity.StepRun;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Runs of tools: submit, list, follow, read logs and outputs, cancel. */
@Path("v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    /** Looked up once (see {@link JsonValues#provider()}). */
    private static final JsonProvider JSON = JsonValues.provider();

    /** The most bytes one log request returns. */
    static final int MAX_LOG_CHUNK = 1 << 20;

    private static final Set<String> REQUEST_FIELDS = Set.of("tool", "workflow", "version", "inputs", "pool", "cache",
            "retries");

    @Inject
    Runs runs;

    @Inject
    RunJobs jobs;

    @Context
    UriInfo uri;

    /**
     * Submits a run: {@code {"tool": NAME, "version": N, "inputs": {...}, "pool": NAME}}. The
     * request is validated completely before anything is recorded.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(String body) {
        RunRequest request = parseRequest(body);
        Run run = runs.create(request);
        jobs.start(run.getId());
        return Response.created(uri.getBaseUriBuilder().path("v1/runs/{id}").build(run.getId()))
                .entity(runJson(runs.find(run.getId())))
                .build();
    }

    @GET
    public JsonObject list(@QueryParam("state") String state, @QueryParam("tool") String tool,
                           @QueryParam("page") @DefaultValue("0") String page,
                           @QueryParam("size") @DefaultValue("50") String size) {
        Runs.Page found = runs.list(parseState(state), tool,
                (int) number("page", page, Integer.MAX_VALUE), (int) number("size", size, Integer.MAX_VALUE));
        JsonArrayBuilder items = JSON.createArrayBuilder();
        found.items().forEach(run -> items.add(runJson(run)));
        return JSON.createObjectBuilder()
                .add("items", items)
                .add("total", found.total())
                .add("page", found.page())
                .add("size", found.size())
                .build();
    }

    @GET
    @Path("{id}")
    public JsonObject get(@PathParam("id") String id) {
        return runJson(runs.find(id));
    }

    /** The CWL output object; each File has location, basename, size and checksum. */
    @GET
    @Path("{id}/outputs")
    public JsonValue outputs(@PathParam("id") String id) {
        return JsonValues.toJson(Locations.absolutize(uri, runs.outputs(id)));
    }

    /**
     * A slice of the run's stdout or stderr from {@code offset}. The header
     * {@code Cairn-Log-Offset} gives the offset to ask for next, for tailing.
     */
    @GET
    @Path("{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    public Response logs(@PathParam("id") String id, @QueryParam("stream") @DefaultValue("stdout") String stream,
                         @QueryParam("offset") @DefaultValue("0") String offsetText) {
        long offset = number("offset", offsetText, Long.MAX_VALUE);
        LogChunk chunk = runs.logs(id, logStream(stream), offset, MAX_LOG_CHUNK);
        return Response.ok(chunk.data(), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .header("Cairn-Log-Offset", chunk.nextOffset())
                .build();
    }

    /**
     * A workflow run's step instances: key, state, times, attempts, exit code, message and links
     * to their logs. Empty for a tool run.
     */
    @GET
    @Path("{id}/steps")
    public JsonObject steps(@PathParam("id") String id) {
        String self = uri.getBaseUriBuilder().path("v1/runs/{id}").build(id).toString();
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (StepRun step : runs.steps(id)) {
            JsonObjectBuilder json = JSON.createObjectBuilder()
                    .add("id", step.getId())
                    .add("key", step.getStepKey())
                    .add("state", step.getState().name())
                    .add("attempts", step.getAttempts())
                    .add("cacheHit", step.isCacheHit());
            add(json, "exitCode", step.getExitCode());
            add(json, "message", step.getMessage());
            add(json, "retryAt", step.getRetryAt());
            add(json, "createdAt", step.getCreatedAt());
            add(json, "startedAt", step.getStartedAt());
            add(json, "endedAt", step.getEndedAt());
            String logs = self + "/steps/" + step.getId() + "/logs";
            json.add("links", JSON.createObjectBuilder()
                    .add("stdout", logs + "?stream=stdout")
                    .add("stderr", logs + "?stream=stderr")
                    .add("cache", self + "/steps/" + step.getId() + "/cache"));
            items.add(json);
        }
        return JSON.createObjectBuilder().add("items", items).build();
    }

    /**
     * The call cache's word on a step instance (named by id or key): its key's parts, the entry a
     * hit was served from, or for a miss the nearest earlier entry of the same tool and the parts
     * that differed.
     */
    @GET
    @Path("{id}/steps/{step}/cache")
    public JsonObject stepCache(@PathParam("id") String id, @PathParam("step") String step) {
        Runs.CacheReport report = runs.cache(id, step);
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("step", report.step().getId())
                .add("key", report.step().getStepKey())
                .add("cacheHit", report.step().isCacheHit())
                .add("explanation", report.explanation());
        if (report.key() != null) {
            json.add("digest", report.key().value());
            JsonObjectBuilder parts = JSON.createObjectBuilder();
            report.key().asMap().forEach(parts::add);
            json.add("parts", parts);
        }
        if (report.source() != null) {
            json.add("source", entryJson(report.source()));
        }
        if (report.nearest() != null) {
            JsonArrayBuilder differs = JSON.createArrayBuilder();
            report.differs().forEach(differs::add);
            json.add("nearest", JSON.createObjectBuilder(entryJson(report.nearest())).add("differs", differs));
        }
        return json.build();
    }

    private JsonObject entryJson(CacheEntry entry) {
        return JSON.createObjectBuilder()
                .add("run", entry.getRunId())
                .add("step", entry.getStepId())
                .add("key", entry.getStepKey())
                .add("createdAt", entry.getCreatedAt().toString())
                .add("links", JSON.createObjectBuilder()
                        .add("run", uri.getBaseUriBuilder().path("v1/runs/{id}").build(entry.getRunId()).toString()))
                .build();
    }

    /** A slice of a step instance's stdout or stderr, like {@code /logs} of a run. */
    @GET
    @Path("{id}/steps/{step}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    public Response stepLogs(@PathParam("id") String id, @PathParam("step") String step,
                             @QueryParam("stream") @DefaultValue("stdout") String stream,
                             @QueryParam("offset") @DefaultValue("0") String offsetText) {
        LogChunk chunk = runs.stepLogs(id, step, logStream(stream), number("offset", offsetText, Long.MAX_VALUE),
                MAX_LOG_CHUNK);
        return Response.ok(chunk.data(), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .header("Cairn-Log-Offset", chunk.nextOffset())
                .build();
    }

    private static LogStream logStream(String stream) {
        return switch (stream.toLowerCase(Locale.ROOT)) {
            case "stdout" -> LogStream.STDOUT;
            case "stderr" -> LogStream.STDERR;
            default -> throw Problem.badRequest("stream must be stdout or stderr, was '" + stream + "'");
        };
    }

    /**
     * Resumes a failed or canceled workflow run: failed and canceled step instances run again,
     * finished ones are kept. 409 for a run that did not fail.
     */
    @POST
    @Path("{id}/resume")
    public Response resume(@PathParam("id") String id) {
        jobs.resume(id);
        return Response.accepted(runJson(runs.find(id))).build();
    }

    /** Cancels the run: stops its job and kills its task on the backend. */
    @POST
    @Path("{id}/cancel")
    public Response cancel(@PathParam("id") String id) {
        jobs.cancel(id);
        return Response.accepted(runJson(runs.find(id))).build();
    }

    private JsonObject runJson(Run run) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("id", run.getId())
                .add(run.isWorkflow() ? "workflow" : "tool", run.getToolName())
                .add("version", run.getToolVersion())
                .add("pool", run.getPool())
                .add("state", run.getState().name())
                .add("cache", run.usesCache());
        add(json, "retries", run.getRetries());
        if (!run.runsAsWorkflow()) {
            json.add("attempts", run.getAttempts()); // a workflow's attempts are its step instances'
        }
        add(json, "exitCode", run.getExitCode());
        add(json, "message", run.getMessage());
        add(json, "createdAt", run.getCreatedAt());
        add(json, "startedAt", run.getStartedAt());
        add(json, "endedAt", run.getEndedAt());
        json.add("inputs", JsonValues.toJson(Locations.absolutize(uri, JsonValues.parse(run.getInputs(), "stored inputs"))));
        JsonArrayBuilder argv = JSON.createArrayBuilder();
        runs.commandLine(run).forEach(argv::add);
        json.add("commandLine", argv);
        String self = uri.getBaseUriBuilder().path("v1/runs/{id}").build(run.getId()).toString();
        json.add("links", JSON.createObjectBuilder()
                .add("self", self)
                .add("outputs", self + "/outputs")
                .add("stdout", self + "/logs?stream=stdout")
                .add("stderr", self + "/logs?stream=stderr")
                .add("cancel", self + "/cancel")
                .add("resume", self + "/resume")
                .add("steps", self + "/steps"));
        return json.build();
    }

    private static void add(JsonObjectBuilder json, String key, Object value) {
        if (value instanceof Integer i) {
            json.add(key, i);
        } else if (value instanceof Instant t) {
            json.add(key, t.toString());
        } else if (value != null) {
            json.add(key, value.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static RunRequest parseRequest(String body) {
        if (body == null || body.isBlank()) {
            throw Problem.badRequest("the request body is empty: send {\"tool\": \"NAME\", \"inputs\": {...}}");
        }
        if (!(JsonValues.parse(body, "the request body") instanceof Map<?, ?> map)) {
            throw Problem.badRequest("the request body must be a JSON object like {\"tool\": \"NAME\", \"inputs\": {...}}");
        }
        for (Object key : map.keySet()) {
            if (!REQUEST_FIELDS.contains(key)) {
                throw Problem.badRequest("unknown field '" + key + "' in the request; fields: tool or workflow, version, inputs, pool");
            }
        }
        boolean workflow = map.containsKey("workflow");
        if (workflow && map.containsKey("tool")) {
            throw Problem.badRequest("give either 'tool' or 'workflow', not both");
        }
        Object tool = map.get(workflow ? "workflow" : "tool");
        if (!(tool instanceof String)) {
            throw Problem.badRequest(workflow ? "'workflow' must be the name of a registered workflow (a string)"
                    : "'tool' must be the name of a registered tool (a string), or give 'workflow'");
        }
        Object version = map.get("version");
        if (version != null && !(version instanceof Long v && v >= 1 && v <= Integer.MAX_VALUE)) {
            throw Problem.badRequest("'version' must be a whole number from 1 up, was " + JsonValues.write(version));
        }
        Object inputs = map.get("inputs");
        if (inputs != null && !(inputs instanceof Map)) {
            throw Problem.badRequest("'inputs' must be a JSON object (the CWL job object), was " + JsonValues.write(inputs));
        }
        Object pool = map.get("pool");
        if (pool != null && !(pool instanceof String)) {
            throw Problem.badRequest("'pool' must be a pool name (a string)");
        }
        Object cache = map.get("cache");
        if (cache != null && !(cache instanceof Boolean)) {
            throw Problem.badRequest("'cache' must be true or false (false: run every step even when the call cache "
                    + "holds its result), was " + JsonValues.write(cache));
        }
        Object retries = map.get("retries");
        if (retries != null && !(retries instanceof Long r && r >= 0 && r <= RetryPolicy.MAX_RETRIES)) {
            throw Problem.badRequest("'retries' must be a whole number from 0 to " + RetryPolicy.MAX_RETRIES
                    + " (how often a task the pool lost runs again), was " + JsonValues.write(retries));
        }
        return new RunRequest((String) tool, version == null ? null : Math.toIntExact((Long) version),
                (Map<String, Object>) inputs, (String) pool, workflow, !Boolean.FALSE.equals(cache),
                retries == null ? null : Math.toIntExact((Long) retries));
    }

    /** A non-negative whole query parameter, or a 400 that names it. */
    private static long number(String name, String text, long max) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badRequest("query parameter '" + name + "' must be a whole number from 0 to " + max + ", was '" + text + "'");
    }

    private static RunState parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return RunState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("unknown state '" + state + "'; states: " + Arrays.toString(RunState.values()));
        }
    }
}
