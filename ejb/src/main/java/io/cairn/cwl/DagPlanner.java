package io.cairn.cwl;

import io.cairn.cwl.expr.ExpressionException;
import io.cairn.cwl.expr.Expressions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Works out, from a workflow, its inputs and the outputs of the step instances that have finished,
 * which tool invocations can run now and, once every step is done, the workflow's outputs.
 *
 * <p>It keeps no state: the caller stores the finished instances (in the database) and asks again
 * after each one ends. That is what makes a run restartable: the plan after a crash is the plan
 * before it. Each tool invocation has a stable key: the step id, {@code [i]} per scatter index
 * ({@code [i][j]} for a nested cross product) and {@code /} between a subworkflow step and its
 * inner steps, for example {@code align[3]} or {@code qc/count[0]}.
 *
 * <p>Order of evaluation per step input, as CWL says: sources (merged by {@code linkMerge}, then
 * {@code pickValue}), then {@code default} when the value is null, then scatter, then
 * {@code valueFrom} (seeing the other inputs before their own {@code valueFrom}), then
 * {@code when}. Only the inputs the step's process declares are passed to it.
 */
public final class DagPlanner {

    /**
     * Evaluates {@code valueFrom}, {@code when} and ExpressionTool expressions; parameter
     * references by default, JavaScript once wired.
     */
    @FunctionalInterface
    public interface Evaluator {
        /**
         * @param context       {@code inputs}, {@code self}, {@code runtime}
         * @param expressionLib the InlineJavascriptRequirement's library in force, possibly empty
         */
        Object evaluate(String expression, Map<String, Object> context, List<String> expressionLib);
    }

    /** Parameter references only: anything else is UNSUPPORTED. */
    public static final Evaluator PARAMETER_REFERENCES = (expression, context, lib) ->
            ParameterReferences.evaluate(expression, context);

    /** One sandboxed engine per expression library (they are thread-safe and cache what they compile). */
    private static final Map<List<String>, Expressions> ENGINES = new ConcurrentHashMap<>();

    /**
     * CWL expressions with JavaScript ({@code InlineJavascriptRequirement}) in the sandboxed engine
     * of {@link Expressions}; parameter references give the same values as without JavaScript.
     * A failing expression is INVALID, naming the expression and why.
     */
    public static final Evaluator JAVASCRIPT = (expression, context, lib) -> {
        try {
            return ENGINES.computeIfAbsent(List.copyOf(lib), l -> Expressions.create(l, null))
                    .interpolate(expression, context);
        } catch (ExpressionException e) {
            throw CwlException.invalid(e.getMessage(), null, null);
        }
    };

    /** A tool invocation whose inputs are all known. */
    public record Task(String key, CommandLineTool tool, Map<String, Object> inputs) {
    }

    /**
     * @param ready    every invocation that can run and has not finished (including those already
     *                 running: the caller knows which it has started)
     * @param complete whether every step is done (finished or skipped)
     * @param outputs  the workflow's output object when complete, else null
     */
    public record Plan(List<Task> ready, boolean complete, Map<String, Object> outputs) {
    }

    /** Marks a value that is not known yet. */
    private static final Object PENDING = new Object() {
        @Override
        public String toString() {
            return "<pending>";
        }
    };

    /**
     * Where the bytes of a File value (with a location) are, for loadContents of workflow inputs,
     * step inputs and ExpressionTool inputs.
     */
    @FunctionalInterface
    public interface LocalFiles {
        java.nio.file.Path of(Map<?, ?> file);
    }

    private static final LocalFiles NO_FILES = file -> {
        throw CwlException.unsupported("loadContents in a workflow needs the file store", null, null);
    };

    private final Evaluator evaluator;
    private final LocalFiles localFiles;
    private final Map<String, Map<String, Object>> finished;
    private final List<Task> ready = new ArrayList<>();

    private DagPlanner(Evaluator evaluator, LocalFiles localFiles, Map<String, Map<String, Object>> finished) {
        this.evaluator = evaluator;
        this.localFiles = localFiles;
        this.finished = finished;
    }

    /** Plans with parameter references only (no JavaScript). */
    public static Plan plan(Workflow workflow, Map<String, Object> inputs, Map<String, Map<String, Object>> finished) {
        return plan(workflow, inputs, finished, PARAMETER_REFERENCES);
    }

    /**
     * @param inputs   the workflow's resolved input object ({@link JobInputs#resolve(List, Map)})
     * @param finished outputs of each finished tool invocation by key
     * @throws CwlException INVALID when a value cannot be worked out (a scatter over something that
     *                      is not a list, a pickValue that finds nothing, a failing expression)
     */
    public static Plan plan(Workflow workflow, Map<String, Object> inputs, Map<String, Map<String, Object>> finished,
                            Evaluator evaluator) {
        return plan(workflow, inputs, finished, evaluator, NO_FILES);
    }

    /** @param localFiles finds the bytes of input Files that ExpressionTools load ({@code loadContents}) */
    public static Plan plan(Workflow workflow, Map<String, Object> inputs, Map<String, Map<String, Object>> finished,
                            Evaluator evaluator, LocalFiles localFiles) {
        DagPlanner planner = new DagPlanner(evaluator, localFiles, finished);
        Map<String, Object> outputs = planner.workflow(workflow, inputs, "", true);
        return new Plan(List.copyOf(planner.ready), outputs != null, outputs);
    }

    /**
     * The tool a task key invokes, found by walking the key's steps ({@code qc/count[2]}: step
     * {@code count} of the subworkflow of step {@code qc}).
     *
     * @throws CwlException INVALID when the key names no tool step of this workflow
     */
    public static CommandLineTool toolAt(Workflow workflow, String key) {
        Workflow current = workflow;
        String[] parts = key.split("/");
        for (int i = 0; i < parts.length; i++) {
            int bracket = parts[i].indexOf('[');
            String stepId = bracket < 0 ? parts[i] : parts[i].substring(0, bracket);
            WorkflowStep step = current.step(stepId).orElse(null);
            boolean last = i == parts.length - 1;
            if (step != null && last && step.run() instanceof CommandLineTool tool) {
                return tool;
            }
            if (step == null || last || !(step.run() instanceof Workflow sub)) {
                throw CwlException.invalid("no tool step '" + key + "' in the workflow", key, null);
            }
            current = sub;
        }
        throw CwlException.invalid("empty step key", key, null);
    }

    /**
     * The workflow's outputs, or null while any of its steps is not done. With {@code collect},
     * adds the invocations that can run now.
     */
    private Map<String, Object> workflow(Workflow wf, Map<String, Object> given, String prefix, boolean collect) {
        Map<String, Object> inputs = given;
        for (InputParameter input : wf.inputs()) {
            if (input.loadContents() && given.get(input.id()) != null) {
                if (inputs == given) {
                    inputs = new LinkedHashMap<>(given);
                }
                inputs.put(input.id(), withContents(given.get(input.id()), prefix + "inputs." + input.id()));
            }
        }
        Map<String, Map<String, Object>> stepOutputs = new HashMap<>();
        boolean allDone = true;
        // Steps are few; evaluate in document order, repeating until nothing new is learned.
        boolean progress = true;
        while (progress) {
            progress = false;
            for (WorkflowStep step : wf.steps()) {
                if (stepOutputs.containsKey(step.id())) {
                    continue;
                }
                Map<String, Object> out = step(step, inputs, stepOutputs, prefix, false);
                if (out != null) {
                    stepOutputs.put(step.id(), out);
                    progress = true;
                }
            }
        }
        for (WorkflowStep step : wf.steps()) {
            if (!stepOutputs.containsKey(step.id())) {
                allDone = false;
                if (collect) {
                    // a second pass over the steps that are not done adds their ready invocations once
                    step(step, inputs, stepOutputs, prefix, true);
                }
            }
        }
        if (!allDone) {
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (WorkflowOutput output : wf.outputs()) {
            Object value = merged(output.sources(), output.linkMerge(), output.pickValue(), inputs, stepOutputs,
                    prefix + "outputs." + output.id());
            result.put(output.id(), value == PENDING ? null : value);
        }
        return result;
    }

    /**
     * The step's outputs once it is done, else null. With {@code collect}, adds the ready
     * invocations of a step that is not done.
     */
    private Map<String, Object> step(WorkflowStep step, Map<String, Object> wfInputs,
                                     Map<String, Map<String, Object>> stepOutputs, String prefix, boolean collect) {
        String key = prefix + step.id();
        Map<String, Object> values = new LinkedHashMap<>();
        for (StepInput in : step.in()) {
            Object value = in.sources().isEmpty() ? null
                    : merged(in.sources(), in.linkMerge(), in.pickValue(), wfInputs, stepOutputs, key + ".in." + in.id());
            if (value == PENDING) {
                return null;
            }
            if (value == null && in.defaultValue() != null) {
                value = in.defaultValue();
            }
            if (in.loadContents() && value != null) {
                value = withContents(value, key + ".in." + in.id());
            }
            values.put(in.id(), value);
        }
        if (step.scatter().isEmpty()) {
            return instance(step, values, key, collect);
        }
        List<List<Object>> lists = new ArrayList<>();
        for (String name : step.scatter()) {
            if (!(values.get(name) instanceof List<?> list)) {
                throw CwlException.invalid("step '" + step.id() + "' scatters over '" + name + "', which is not a list: "
                        + CwlValues.abbreviate(String.valueOf(values.get(name))), key + ".scatter", null);
            }
            lists.add(new ArrayList<>(list));
        }
        return switch (step.scatterMethod()) {
            case DOTPRODUCT -> dotproduct(step, values, lists, key, collect);
            case NESTED_CROSSPRODUCT -> cross(step, values, lists, 0, key, collect);
            case FLAT_CROSSPRODUCT -> flatten(step, cross(step, values, lists, 0, key, collect));
        };
    }

    private Map<String, Object> dotproduct(WorkflowStep step, Map<String, Object> values, List<List<Object>> lists,
                                           String key, boolean collect) {
        int n = lists.get(0).size();
        for (int i = 1; i < lists.size(); i++) {
            if (lists.get(i).size() != n) {
                throw CwlException.invalid("dotproduct scatter of step '" + step.id() + "' needs lists of one length; '"
                        + step.scatter().get(0) + "' has " + n + " items, '" + step.scatter().get(i) + "' has "
                        + lists.get(i).size(), key + ".scatter", null);
            }
        }
        List<Map<String, Object>> results = new ArrayList<>();
        boolean done = true;
        for (int i = 0; i < n; i++) {
            Map<String, Object> job = new LinkedHashMap<>(values);
            for (int k = 0; k < lists.size(); k++) {
                job.put(step.scatter().get(k), lists.get(k).get(i));
            }
            Map<String, Object> out = instance(step, job, key + "[" + i + "]", collect);
            done &= out != null;
            results.add(out);
        }
        return done ? gather(step, results) : null;
    }

    /** Nested cross product over the scattered inputs from {@code depth} on; outputs nested one level per input. */
    private Map<String, Object> cross(WorkflowStep step, Map<String, Object> values, List<List<Object>> lists, int depth,
                                      String key, boolean collect) {
        List<Map<String, Object>> results = new ArrayList<>();
        boolean done = true;
        List<Object> items = lists.get(depth);
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> job = new LinkedHashMap<>(values);
            job.put(step.scatter().get(depth), items.get(i));
            String childKey = key + "[" + i + "]";
            Map<String, Object> out = depth + 1 < lists.size()
                    ? cross(step, job, lists, depth + 1, childKey, collect)
                    : instance(step, job, childKey, collect);
            done &= out != null;
            results.add(out);
        }
        return done ? gather(step, results) : null;
    }

    private static Map<String, Object> flatten(WorkflowStep step, Map<String, Object> nested) {
        if (nested == null) {
            return null;
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        for (String out : step.out()) {
            List<Object> items = new ArrayList<>();
            flattenInto(nested.get(out), items, step.scatter().size());
            flat.put(out, items);
        }
        return flat;
    }

    private static void flattenInto(Object value, List<Object> into, int levels) {
        if (levels > 1 && value instanceof List<?> list) {
            for (Object item : list) {
                flattenInto(item, into, levels - 1);
            }
        } else if (levels == 1 && value instanceof List<?> list) {
            into.addAll(list);
        } else {
            into.add(value);
        }
    }

    private static Map<String, Object> gather(WorkflowStep step, List<Map<String, Object>> results) {
        Map<String, Object> gathered = new LinkedHashMap<>();
        for (String out : step.out()) {
            List<Object> items = new ArrayList<>();
            results.forEach(r -> items.add(r.get(out)));
            gathered.put(out, items);
        }
        return gathered;
    }

    /** One invocation of the step's process: its outputs when done, else null (and, with collect, queued). */
    private Map<String, Object> instance(WorkflowStep step, Map<String, Object> values, String key, boolean collect) {
        Map<String, Object> job = values;
        if (step.in().stream().anyMatch(i -> i.valueFrom() != null)) {
            job = new LinkedHashMap<>(values);
            for (StepInput in : step.in()) {
                if (in.valueFrom() != null) {
                    Map<String, Object> context = new HashMap<>();
                    context.put("inputs", CwlValues.withNameParts(values));
                    context.put("self", CwlValues.withNameParts(values.get(in.id())));
                    job.put(in.id(), evaluator.evaluate(in.valueFrom(), context, List.of()));
                }
            }
        }
        if (step.when() != null) {
            Map<String, Object> context = new HashMap<>();
            context.put("inputs", CwlValues.withNameParts(job));
            Object condition = evaluator.evaluate(step.when(), context, List.of());
            if (!(condition instanceof Boolean)) {
                throw CwlException.invalid("the 'when' of step '" + step.id() + "' must give true or false, not "
                        + CwlValues.abbreviate(String.valueOf(condition)), key + ".when", null);
            }
            if (!(Boolean) condition) {
                Map<String, Object> skipped = new LinkedHashMap<>();
                step.out().forEach(o -> skipped.put(o, null));
                return skipped;
            }
        }
        Map<String, Object> declared = new LinkedHashMap<>();
        for (InputParameter p : step.run().inputs()) {
            if (job.containsKey(p.id())) {
                declared.put(p.id(), job.get(p.id()));
            }
        }
        if (step.run() instanceof Workflow sub) {
            Map<String, Object> subInputs = JobInputs.resolve(sub.inputs(), declared);
            Map<String, Object> out = workflow(sub, subInputs, key + "/", collect);
            return out == null ? null : only(step, out);
        }
        if (step.run() instanceof ExpressionTool et) {
            return only(step, expression(et, declared, key));
        }
        Map<String, Object> out = finished.get(key);
        if (out != null) {
            return only(step, out);
        }
        if (collect) {
            ready.add(new Task(key, (CommandLineTool) step.run(), declared));
        }
        return null;
    }

    /** An ExpressionTool needs no backend: its outputs are its expression's value, worked out here. */
    private Map<String, Object> expression(ExpressionTool et, Map<String, Object> given, String key) {
        Map<String, Object> resolved = new LinkedHashMap<>(JobInputs.resolve(et.inputs(), given));
        for (InputParameter input : et.inputs()) {
            if (input.loadContents() && resolved.get(input.id()) != null) {
                resolved.put(input.id(), withContents(resolved.get(input.id()), key + ".inputs." + input.id()));
            }
        }
        Map<String, Object> context = new HashMap<>();
        context.put("inputs", CwlValues.withNameParts(resolved));
        context.put("self", null);
        context.put("runtime", Map.of("cores", 1, "ram", 256));
        Object value = evaluator.evaluate(et.expression(), context, et.expressionLib());
        if (!(value instanceof Map<?, ?> map)) {
            throw CwlException.invalid("the expression of step '" + key + "' must give an object of outputs, not "
                    + CwlValues.abbreviate(String.valueOf(value)), key, null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private Object withContents(Object value, String where) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(withContents(v, where)));
            return out;
        }
        if (CwlValues.isFile(value) && !(((Map<?, ?>) value).get("contents") instanceof String)) {
            Map<String, Object> file = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> file.put(String.valueOf(k), v));
            file.put("contents", CwlValues.loadContents(localFiles.of(file), where));
            return file;
        }
        return value;
    }

    private static Map<String, Object> only(WorkflowStep step, Map<String, Object> outputs) {
        Map<String, Object> out = new LinkedHashMap<>();
        step.out().forEach(o -> out.put(o, outputs.get(o)));
        return out;
    }

    private Object merged(List<Source> sources, LinkMerge linkMerge, PickValue pickValue, Map<String, Object> wfInputs,
                          Map<String, Map<String, Object>> stepOutputs, String where) {
        List<Object> values = new ArrayList<>();
        for (Source s : sources) {
            Object v;
            if (s.isWorkflowInput()) {
                v = wfInputs.get(s.id());
            } else {
                Map<String, Object> out = stepOutputs.get(s.step());
                if (out == null) {
                    return PENDING;
                }
                v = out.get(s.id());
            }
            values.add(v);
        }
        Object value;
        if (values.size() == 1 && linkMerge == null) {
            value = values.get(0);
        } else {
            value = (linkMerge == null ? LinkMerge.MERGE_NESTED : linkMerge).merge(values);
        }
        return pickValue == null ? value : pickValue.pick(value, where);
    }
}
