package io.cairn.runs.boundary;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.cwl.CwlProcess;
import io.cairn.cwl.CwlException;
import io.cairn.cwl.JobInputs;
import io.cairn.files.boundary.FileStore;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.JsonValues;
import io.cairn.platform.Problem;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.control.CacheKey;
import io.cairn.runs.entity.CacheEntry;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import io.cairn.runs.entity.StepRun;
import io.cairn.tools.boundary.ToolCatalog;
import io.cairn.tools.entity.ToolVersion;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates and reads runs. Starting and stopping the batch job that executes a run is the job of
 * {@code io.cairn.runs.batch.RunJobs} in the batch-jobs module.
 */
@Stateless
public class Runs {

    /** A page of runs. */
    public record Page(List<Run> items, long total, int page, int size) {
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    ToolCatalog catalog;

    @Inject
    FileStore files;

    @Inject
    ComputeGateway gateway;

    @Inject
    CairnSettings settings;

    /** Validates the request completely and records the run as QUEUED. */
    public Run create(RunRequest request) {
        if (request == null || request.tool() == null || request.tool().isBlank()) {
            throw Problem.badRequest("a run needs a tool: send {\"tool\": \"NAME\", \"inputs\": {...}}");
        }
        ToolVersion version = catalog.version(request.workflow() ? ToolCatalog.WORKFLOW : ToolCatalog.TOOL,
                request.tool(), request.version());
        CwlProcess process = catalog.process(version);
        Map<String, Object> inputs = request.inputs() == null ? Map.of() : request.inputs();
        Map<String, Object> resolved;
        try {
            resolved = JobInputs.resolve(process.inputs(), inputs);
        } catch (CwlException e) {
            throw Problem.badRequest(e.getMessage());
        }
        // the resolved inputs include the tool's defaults, whose files must exist too
        checkFiles(resolved, "inputs");
        String pool = request.pool() == null || request.pool().isBlank() ? settings.defaultPool() : request.pool();
        if (!gateway.exists(pool)) {
            throw Problem.badRequest("there is no pool named '" + pool + "'; pools: " + String.join(", ", gateway.poolNames()));
        }
        Run run = new Run(version, process.cwlClass(), pool, JsonValues.write(inputs));
        run.setUseCache(request.useCache());
        run.setRetries(request.retries());
        em.persist(run);
        return run;
    }

    /** Every File with a location must point at a stored file. */
    private void checkFiles(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            if ("File".equals(map.get("class")) && map.get("location") instanceof String location) {
                files.resolve(location, path);
                return;
            }
            if ("File".equals(map.get("class")) && map.get("path") instanceof String localPath && !map.containsKey("contents")) {
                throw Problem.badRequest(path + ": a File is given by 'location' (from POST /api/v1/files) or 'contents', not by server path '" + localPath + "'");
            }
            map.forEach((k, v) -> checkFiles(v, path + "." + k));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkFiles(list.get(i), path + "[" + i + "]");
            }
        }
    }

    public Run find(String id) {
        Run run = id == null ? null : em.find(Run.class, id);
        if (run == null) {
            throw Problem.notFound("no run with id '" + id + "'");
        }
        return run;
    }

    /** Runs, newest first, optionally filtered by state and tool name. */
    public Page list(RunState state, String tool, int page, int size) {
        if (page < 0 || size < 1 || size > 500 || (long) page * size > Integer.MAX_VALUE) {
            throw Problem.badRequest("page must be 0 or more, size between 1 and 500, and page × size below 2^31");
        }
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (state != null) {
            where.append(" AND r.state = :state");
        }
        if (tool != null && !tool.isBlank()) {
            where.append(" AND r.toolName = :tool");
        }
        TypedQuery<Run> items = em.createQuery("SELECT r FROM Run r" + where + " ORDER BY r.createdAt DESC, r.id", Run.class);
        TypedQuery<Long> count = em.createQuery("SELECT COUNT(r) FROM Run r" + where, Long.class);
        if (state != null) {
            items.setParameter("state", state);
            count.setParameter("state", state);
        }
        if (tool != null && !tool.isBlank()) {
            items.setParameter("tool", tool);
            count.setParameter("tool", tool);
        }
        List<Run> found = items.setFirstResult(page * size).setMaxResults(size).getResultList();
        return new Page(found, count.getSingleResult(), page, size);
    }

    /** Runs that have not reached a terminal state, oldest first. */
    public List<Run> unfinished() {
        return em.createQuery("SELECT r FROM Run r WHERE r.state NOT IN :done ORDER BY r.createdAt", Run.class)
                .setParameter("done", List.of(RunState.COMPLETE, RunState.EXECUTOR_ERROR, RunState.SYSTEM_ERROR, RunState.CANCELED))
                .getResultList();
    }

    /** The CWL output object of a finished run; empty until the run is COMPLETE. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> outputs(String id) {
        Run run = find(id);
        if (run.getOutputs() == null) {
            if (run.getState().isTerminal()) {
                return Map.of();
            }
            throw Problem.conflict("run " + id + " is " + run.getState() + "; its outputs exist once it is COMPLETE");
        }
        return (Map<String, Object>) JsonValues.parse(run.getOutputs(), "stored outputs");
    }

    /** The run's exact command line (argument list), once staged. */
    @SuppressWarnings("unchecked")
    public List<String> commandLine(Run run) {
        if (run.getCommandLine() == null) {
            return List.of();
        }
        Map<String, Object> stored = (Map<String, Object>) JsonValues.parse(run.getCommandLine(), "stored command line");
        return new ArrayList<>((List<String>) stored.get("argv"));
    }

    /** Reads a slice of a run's stdout or stderr. */
    public LogChunk logs(String id, LogStream stream, long offset, int maxBytes) {
        if (offset < 0) {
            throw Problem.badRequest("offset must be 0 or more, was " + offset);
        }
        Run run = find(id);
        if (run.getBackendId() == null) {
            return new LogChunk(new byte[0], offset);
        }
        try (ComputeConnection connection = gateway.connect(run.getPool())) {
            return connection.logs(run.getBackendId(), stream, offset, maxBytes);
        }
    }

    /** A workflow run's step instances in the order they were made (none for a tool run). */
    public List<StepRun> steps(String runId) {
        find(runId);
        return em.createNamedQuery(StepRun.BY_RUN, StepRun.class).setParameter("run", runId).getResultList();
    }

    /**
     * What the call cache did for a step instance, and why.
     *
     * @param step        the instance
     * @param key         its key, or null when it has none (not staged yet, or its tool says WorkReuse false)
     * @param source      for a hit, the entry it was served from (null if that entry is gone)
     * @param nearest     for a miss, the earlier entry of the same tool that differs in the fewest parts, or null
     * @param differs     the parts in which {@code nearest} differs
     * @param explanation one sentence for people
     */
    public record CacheReport(StepRun step, CacheKey key, CacheEntry source, CacheEntry nearest, List<String> differs,
                              String explanation) {
    }

    /** How many entries of the same tool a miss is compared with, newest first. */
    private static final int NEAREST_CANDIDATES = 500;

    /** Explains the call-cache outcome of a step instance, named by its id or its key within the run. */
    public CacheReport cache(String runId, String stepRef) {
        Run run = find(runId);
        StepRun step = step(runId, stepRef);
        if (step.getCacheKey() == null) {
            String why = step.isStaged() || step.getState().isTerminal()
                    ? "the step's tool says WorkReuse: {enableReuse: false}, so it is neither cached nor served from the cache"
                    : "the step instance has not been staged yet; its key is known once its inputs are in place";
            return new CacheReport(step, null, null, null, List.of(), why);
        }
        CacheKey key = CacheKey.fromMap((Map<?, ?>) JsonValues.parse(step.getCacheKey(), "cache key"));
        if (step.isCacheHit()) {
            CacheEntry source = em.createNamedQuery(CacheEntry.BY_KEY, CacheEntry.class).setParameter("key", key.value())
                    .getResultStream().filter(e -> e.getStepId().equals(step.getCacheSource())).findFirst().orElse(null);
            return new CacheReport(step, key, source, null, List.of(),
                    "served from the cache: step instance " + step.getCacheSource() + " had the same key");
        }
        CacheEntry nearest = null;
        List<String> differs = CacheKey.PARTS;
        for (CacheEntry e : em.createNamedQuery(CacheEntry.BY_TOOL, CacheEntry.class).setParameter("tool", key.tool())
                .setMaxResults(NEAREST_CANDIDATES).getResultList()) {
            if (e.getStepId().equals(step.getId())) {
                continue;
            }
            List<String> d = key.differences(e.key());
            if (d.size() < differs.size()) {
                nearest = e;
                differs = d;
            }
        }
        String explanation;
        if (!run.usesCache()) {
            explanation = "the run asked not to use the cache (\"cache\": false)";
        } else if (nearest == null) {
            explanation = "no earlier step instance of this tool has finished: nothing to compare with";
            differs = List.of("tool");
        } else if (differs.isEmpty()) {
            explanation = "an entry with the same key was made after this instance was staged";
        } else {
            explanation = "the nearest earlier entry (step instance " + nearest.getStepId() + ") differs in: "
                    + String.join(", ", differs);
        }
        return new CacheReport(step, key, null, nearest, differs, explanation);
    }

    private StepRun step(String runId, String stepRef) {
        StepRun step = stepRef == null ? null : em.find(StepRun.class, stepRef);
        if (step == null) {
            step = steps(runId).stream().filter(s -> s.getStepKey().equals(stepRef)).findFirst().orElse(null);
        }
        if (step == null || !step.getRunId().equals(runId)) {
            throw Problem.notFound("run " + runId + " has no step instance with id or key '" + stepRef + "'");
        }
        return step;
    }

    /** Reads a slice of a step instance's stdout or stderr. */
    public LogChunk stepLogs(String runId, String stepId, LogStream stream, long offset, int maxBytes) {
        if (offset < 0) {
            throw Problem.badRequest("offset must be 0 or more, was " + offset);
        }
        Run run = find(runId);
        StepRun step = step(runId, stepId);
        if (step.getBackendId() == null) {
            return new LogChunk(new byte[0], offset);
        }
        try (ComputeConnection connection = gateway.connect(run.getPool())) {
            return connection.logs(step.getBackendId(), stream, offset, maxBytes);
        }
    }

    /** Marks a run as being canceled; returns whether there is anything left to stop. */
    public boolean markCanceling(String id) {
        Run run = id == null ? null : em.find(Run.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            throw Problem.notFound("no run with id '" + id + "'");
        }
        if (run.getState().isTerminal()) {
            return false;
        }
        if (run.getState() == RunState.QUEUED && run.getJobExecutionId() == null) {
            run.moveTo(RunState.CANCELED);
            return false;
        }
        run.moveTo(RunState.CANCELING);
        return true;
    }
}
