package io.cairn.cwl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a CWL {@code Workflow} document, or any process document by its {@code class}
 * ({@link #parseProcess}). Step processes must be inline ({@code run: {class: ...}}): a document
 * that refers to other files is packed first (the {@code cairn-cwl-runner} does that).
 *
 * <p>Checked here, so that a run never starts on a broken graph: every source names a workflow
 * input or a declared output of another step, every step {@code out} names an output of the
 * step's process, scattered inputs exist, and the steps form no cycle.
 *
 * <p>Requirements and hints of a workflow and of a step are passed down to the step's process
 * unless the process declares the same class itself (the nearer one wins, as CWL says).
 */
public final class WorkflowParser {

    private static final Set<String> WORKFLOW_FIELDS = Set.of("id", "label", "doc", "inputs", "outputs",
            "requirements", "hints", "cwlVersion", "class", "steps", "intent", "$namespaces", "$schemas");
    private static final Set<String> INPUT_FIELDS = Set.of("id", "type", "label", "doc", "format", "default",
            "secondaryFiles", "streamable", "loadContents", "loadListing", "inputBinding");
    private static final Set<String> OUTPUT_FIELDS = Set.of("id", "type", "label", "doc", "format",
            "outputSource", "linkMerge", "pickValue", "secondaryFiles", "streamable");
    private static final Set<String> STEP_FIELDS = Set.of("id", "label", "doc", "in", "out", "run", "requirements",
            "hints", "scatter", "scatterMethod", "when");
    private static final Set<String> STEP_INPUT_FIELDS = Set.of("id", "source", "linkMerge", "pickValue", "default",
            "valueFrom", "label", "loadContents", "loadListing");
    /** Requirements that concern the workflow itself and mean nothing to a step's tool. */
    private static final Set<String> WORKFLOW_ONLY = Set.of("SubworkflowFeatureRequirement",
            "ScatterFeatureRequirement", "MultipleInputFeatureRequirement", "StepInputExpressionRequirement");

    private final String cwlVersion;
    /** The SchemaDefRequirement types of the process being parsed. */
    private Map<String, YamlNode> schemaTypes = Map.of();

    private WorkflowParser(String cwlVersion) {
        this.cwlVersion = cwlVersion;
    }

    /**
     * Parses a tool or workflow document by its {@code class}.
     *
     * @throws CwlException MALFORMED for invalid documents, UNSUPPORTED for valid CWL Cairn does not run
     */
    public static CwlProcess parseProcess(String text) {
        YamlNode root = YamlNode.parse(text);
        if (!root.isMap()) {
            throw CwlException.malformed("a CWL document must be a mapping (JSON object) at the top level, not "
                    + root.describe(), null, root.line());
        }
        YamlNode cls = root.get("class");
        if (cls != null && cls.isString() && "Workflow".equals(cls.value())) {
            YamlNode version = root.get("cwlVersion");
            if (version == null || !version.isScalar() || !List.of("v1.0", "v1.1", "v1.2").contains(version.text())) {
                throw CwlException.malformed("a workflow needs cwlVersion: v1.2 (v1.0 and v1.1 are also accepted)",
                        "cwlVersion", version == null ? root.line() : version.line());
            }
            return new WorkflowParser(version.text()).workflow(root, "");
        }
        if (cls != null && cls.isString() && "ExpressionTool".equals(cls.value())) {
            YamlNode version = root.get("cwlVersion");
            return new WorkflowParser(version == null || !version.isScalar() ? "v1.2" : version.text())
                    .expressionTool(root, "");
        }
        return CwlParser.parseTool(root);
    }

    /** Parses a workflow document; other classes are refused. */
    public static Workflow parseWorkflow(String text) {
        CwlProcess process = parseProcess(text);
        if (process instanceof Workflow wf) {
            return wf;
        }
        throw CwlException.malformed("expected class: Workflow, got " + process.cwlClass(), "class", null);
    }

    // ---------------------------------------------------------------- the workflow

    private Workflow workflow(YamlNode root, String path) {
        for (String key : root.entries().keySet()) {
            if (!WORKFLOW_FIELDS.contains(key) && !key.contains(":")) {
                throw CwlException.malformed("unknown field '" + key + "' in Workflow; known fields: "
                        + String.join(", ", new TreeSet<>(WORKFLOW_FIELDS)), join(path, key), root.get(key).line());
            }
        }
        String id = root.get("id") != null && root.get("id").isScalar() ? CwlParser.stripId(root.get("id").text()) : null;
        schemaTypes = CwlParser.schemaTypes(root.get("requirements"), root.get("hints"));
        List<InputParameter> inputs = inputs(required(root, "inputs", path), join(path, "inputs"));
        List<YamlNode> inherited = requirementList(root.get("requirements"), join(path, "requirements"));
        List<YamlNode> inheritedHints = requirementList(root.get("hints"), join(path, "hints"));
        YamlNode stepsNode = required(root, "steps", path);
        List<WorkflowStep> steps = new ArrayList<>();
        Set<String> stepIds = new LinkedHashSet<>();
        for (Entry e : entries(stepsNode, join(path, "steps"), "step")) {
            if (!stepIds.add(e.id)) {
                throw CwlException.malformed("duplicate step id '" + e.id + "'", e.path, e.node.line());
            }
            steps.add(step(e, id, inherited, inheritedHints));
        }
        Map<String, Set<String>> outputsByStep = new HashMap<>();
        steps.forEach(s -> outputsByStep.put(s.id(), new LinkedHashSet<>(s.out())));
        Set<String> inputIds = new LinkedHashSet<>();
        inputs.forEach(i -> inputIds.add(i.id()));
        List<WorkflowOutput> outputs = outputs(required(root, "outputs", path), join(path, "outputs"), id, inputIds,
                outputsByStep);
        for (int i = 0; i < steps.size(); i++) {
            WorkflowStep step = steps.get(i);
            String stepPath = join(path, "steps") + "." + step.id();
            for (StepInput in : step.in()) {
                for (Source s : in.sources()) {
                    checkSource(s, inputIds, outputsByStep, stepPath + ".in." + in.id());
                }
            }
        }
        checkAcyclic(steps, join(path, "steps"));
        return new Workflow(id, cwlVersion, optionalString(root, "label"), docText(root.get("doc")), inputs, outputs,
                steps);
    }

    private List<InputParameter> inputs(YamlNode node, String path) {
        List<InputParameter> inputs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Entry e : entries(node, path, "input")) {
            if (!seen.add(e.id)) {
                throw CwlException.malformed("duplicate input id '" + e.id + "'", e.path, e.node.line());
            }
            YamlNode typeNode;
            YamlNode body = null;
            if (e.node.isMap() && e.node.has("type")) {
                body = e.node;
                checkFields(body, INPUT_FIELDS, "workflow input", e.path);
                typeNode = body.get("type");
            } else if (e.node.isString() || e.node.isList()) {
                typeNode = e.node;
            } else {
                throw CwlException.malformed("workflow input '" + e.id + "' needs a 'type'", e.path, e.node.line());
            }
            CwlType type = CwlParser.parseParameterType(typeNode, e.path + ".type", true, schemaTypes);
            Object dflt = null;
            if (body != null && body.get("default") != null && !body.get("default").isNull()) {
                dflt = checkedDefault(type, body.get("default"), e.path + ".default");
            }
            // loadContents on the parameter or, as CWL v1.0 wrote it, on its inputBinding
            YamlNode binding = body == null ? null : body.get("inputBinding");
            boolean loadContents = body != null && (flag(body, "loadContents", e.path)
                    || binding != null && binding.isMap() && flag(binding, "loadContents", e.path + ".inputBinding"));
            inputs.add(new InputParameter(e.id, type, dflt, body == null ? null : optionalString(body, "label"),
                    body == null ? null : docText(body.get("doc")), List.of(), null, loadContents));
        }
        return inputs;
    }

    private List<WorkflowOutput> outputs(YamlNode node, String path, String workflowId, Set<String> inputIds,
                                         Map<String, Set<String>> outputsByStep) {
        List<WorkflowOutput> outputs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Entry e : entries(node, path, "output")) {
            if (!seen.add(e.id)) {
                throw CwlException.malformed("duplicate output id '" + e.id + "'", e.path, e.node.line());
            }
            if (!e.node.isMap()) {
                throw CwlException.malformed("workflow output '" + e.id + "' needs 'type' and 'outputSource'", e.path,
                        e.node.line());
            }
            checkFields(e.node, OUTPUT_FIELDS, "workflow output", e.path);
            CwlType type = CwlParser.parseParameterType(required(e.node, "type", e.path), e.path + ".type", false,
                    schemaTypes);
            List<Source> sources = sources(e.node.get("outputSource"), e.path + ".outputSource", workflowId);
            for (Source s : sources) {
                checkSource(s, inputIds, outputsByStep, e.path + ".outputSource");
            }
            PickValue pick = pickValue(e.node, e.path);
            if (pick == PickValue.ALL_NON_NULL && !holdsArray(type)) {
                throw CwlException.malformed("pickValue all_non_null always gives an array, but output '" + e.id
                        + "' has type " + type, e.path + ".pickValue", e.node.get("pickValue").line());
            }
            outputs.add(new WorkflowOutput(e.id, type, sources, linkMerge(e.node, e.path),
                    pick, optionalString(e.node, "label"), docText(e.node.get("doc"))));
        }
        return outputs;
    }

    // ---------------------------------------------------------------- steps

    private WorkflowStep step(Entry e, String workflowId, List<YamlNode> inherited, List<YamlNode> inheritedHints) {
        YamlNode node = e.node;
        if (!node.isMap()) {
            throw CwlException.malformed("a step must be a mapping with 'in', 'out' and 'run', not " + node.describe(),
                    e.path, node.line());
        }
        checkFields(node, STEP_FIELDS, "workflow step", e.path);
        List<YamlNode> requirements = new ArrayList<>(requirementList(node.get("requirements"), e.path + ".requirements"));
        addMissing(requirements, inherited);
        List<YamlNode> hints = new ArrayList<>(requirementList(node.get("hints"), e.path + ".hints"));
        addMissing(hints, inheritedHints);
        CwlProcess run = run(required(node, "run", e.path), e.path + ".run", requirements, hints);
        List<StepInput> in = new ArrayList<>();
        Set<String> inIds = new LinkedHashSet<>();
        for (Entry i : entries(required(node, "in", e.path), e.path + ".in", "step input")) {
            if (!inIds.add(i.id)) {
                throw CwlException.malformed("duplicate step input id '" + i.id + "'", i.path, i.node.line());
            }
            StepInput stepInput = stepInput(i, workflowId);
            if (stepInput.pickValue() == PickValue.ALL_NON_NULL && stepInput.valueFrom() == null) {
                run.inputs().stream().filter(p -> p.id().equals(i.id) && !holdsArray(p.type())).findFirst()
                        .ifPresent(p -> {
                            throw CwlException.malformed("pickValue all_non_null always gives an array, but input '"
                                    + p.id() + "' of the step's process has type " + p.type(), i.path + ".pickValue",
                                    i.node.get("pickValue").line());
                        });
            }
            in.add(stepInput);
        }
        List<String> out = new ArrayList<>();
        YamlNode outNode = required(node, "out", e.path);
        if (!outNode.isList()) {
            throw CwlException.malformed("'out' must be a list of output ids", e.path + ".out", outNode.line());
        }
        for (int k = 0; k < outNode.items().size(); k++) {
            YamlNode item = outNode.items().get(k);
            YamlNode idNode = item.isMap() ? item.get("id") : item;
            if (idNode == null || !idNode.isString()) {
                throw CwlException.malformed("each entry of 'out' must be an output id", e.path + ".out[" + k + "]",
                        item.line());
            }
            String outId = CwlParser.stripId((String) idNode.value());
            if (!run.outputIds().contains(outId)) {
                throw CwlException.malformed("step '" + e.id + "' has no output '" + outId + "'; its process has: "
                        + String.join(", ", run.outputIds()), e.path + ".out[" + k + "]", item.line());
            }
            out.add(outId);
        }
        List<String> scatter = new ArrayList<>();
        YamlNode scatterNode = node.get("scatter");
        if (scatterNode != null && !scatterNode.isNull()) {
            List<YamlNode> items = scatterNode.isList() ? scatterNode.items() : List.of(scatterNode);
            for (YamlNode item : items) {
                if (!item.isString()) {
                    throw CwlException.malformed("'scatter' must name step inputs", e.path + ".scatter", item.line());
                }
                String id = CwlParser.stripId((String) item.value());
                if (!inIds.contains(id)) {
                    throw CwlException.malformed("scatter names '" + id + "', which is not an input of step '" + e.id
                            + "'", e.path + ".scatter", item.line());
                }
                scatter.add(id);
            }
        }
        WorkflowStep.ScatterMethod method = null;
        YamlNode methodNode = node.get("scatterMethod");
        if (methodNode != null && !methodNode.isNull()) {
            method = methodNode.isString() ? WorkflowStep.ScatterMethod.of((String) methodNode.value()) : null;
            if (method == null) {
                throw CwlException.malformed("scatterMethod must be dotproduct, nested_crossproduct or "
                        + "flat_crossproduct", e.path + ".scatterMethod", methodNode.line());
            }
        }
        if (scatter.size() > 1 && method == null) {
            throw CwlException.malformed("a step that scatters over several inputs needs a scatterMethod",
                    e.path + ".scatterMethod", node.line());
        }
        if (!scatter.isEmpty() && method == null) {
            method = WorkflowStep.ScatterMethod.DOTPRODUCT;
        }
        String when = optionalString(node, "when");
        if (node.get("when") != null && !"v1.2".equals(cwlVersion)) {
            throw CwlException.malformed("'when' (conditional steps) is CWL v1.2, and this document says cwlVersion "
                    + cwlVersion, e.path + ".when", node.get("when").line());
        }
        return new WorkflowStep(e.id, in, out, run, scatter, scatter.isEmpty() ? null : method, when);
    }

    private StepInput stepInput(Entry e, String workflowId) {
        YamlNode node = e.node;
        if (!node.isMap()) {
            return new StepInput(e.id, sources(node, e.path, workflowId), null, null, null, null);
        }
        checkFields(node, STEP_INPUT_FIELDS, "step input", e.path);
        Object dflt = null;
        YamlNode d = node.get("default");
        if (d != null && !d.isNull()) {
            dflt = d.toPlain();
        }
        String valueFrom = optionalString(node, "valueFrom");
        return new StepInput(e.id, sources(node.get("source"), e.path + ".source", workflowId), linkMerge(node, e.path),
                pickValue(node, e.path), dflt, valueFrom, flag(node, "loadContents", e.path));
    }

    private CwlProcess run(YamlNode node, String path, List<YamlNode> requirements, List<YamlNode> hints) {
        if (node.isString()) {
            throw CwlException.unsupported("step processes must be inline: 'run: " + node.value()
                    + "' refers to another document; pack the workflow first (bin/cairn-cwl-runner does)", path,
                    node.line());
        }
        if (!node.isMap()) {
            throw CwlException.malformed("'run' must be a process (a mapping with 'class'), not " + node.describe(),
                    path, node.line());
        }
        YamlNode process = node;
        if (!process.has("cwlVersion")) {
            process = process.with("cwlVersion", YamlNode.string(cwlVersion, node.line()));
        }
        process = inherit(process, "requirements", requirements, path);
        process = inherit(process, "hints", hints, path);
        YamlNode cls = process.get("class");
        String name = cls != null && cls.isString() ? (String) cls.value() : null;
        if ("Workflow".equals(name)) {
            return new WorkflowParser(process.get("cwlVersion").text()).workflow(process, path);
        }
        if ("ExpressionTool".equals(name)) {
            return expressionTool(process, path);
        }
        if ("Operation".equals(name)) {
            throw CwlException.unsupported("class Operation is not supported: it describes a step without a way to run it",
                    path + ".class", cls.line());
        }
        try {
            return CwlParser.parseTool(process);
        } catch (CwlException inner) {
            String where = inner.path() == null ? path : path + "." + inner.path();
            throw new CwlException(inner.kind(), inner.reason(), where, inner.line());
        }
    }

    private static final Set<String> EXPRESSION_TOOL_FIELDS = Set.of("id", "label", "doc", "inputs", "outputs",
            "requirements", "hints", "cwlVersion", "class", "expression", "intent", "$namespaces", "$schemas");

    private ExpressionTool expressionTool(YamlNode root, String path) {
        Map<String, YamlNode> outer = schemaTypes;
        Map<String, YamlNode> merged = new java.util.LinkedHashMap<>(
                CwlParser.schemaTypes(root.get("requirements"), root.get("hints")));
        outer.forEach(merged::putIfAbsent);
        schemaTypes = merged;
        try {
            return expressionToolWithTypes(root, path);
        } finally {
            schemaTypes = outer;
        }
    }

    private ExpressionTool expressionToolWithTypes(YamlNode root, String path) {
        checkFields(root, EXPRESSION_TOOL_FIELDS, "ExpressionTool", path);
        String id = root.get("id") != null && root.get("id").isScalar() ? CwlParser.stripId(root.get("id").text()) : null;
        List<InputParameter> inputs = inputs(required(root, "inputs", path), join(path, "inputs"));
        List<ExpressionTool.Output> outputs = new ArrayList<>();
        for (Entry e : entries(required(root, "outputs", path), join(path, "outputs"), "output")) {
            YamlNode typeNode = e.node.isMap() ? required(e.node, "type", e.path) : e.node;
            outputs.add(new ExpressionTool.Output(e.id, CwlParser.parseParameterType(typeNode, e.path + ".type", false, schemaTypes)));
        }
        YamlNode expression = required(root, "expression", path);
        if (!expression.isString()) {
            throw CwlException.malformed("'expression' must be a string such as $({...}) or ${ return {...}; }",
                    join(path, "expression"), expression.line());
        }
        List<String> lib = new ArrayList<>();
        for (YamlNode r : requirementList(root.get("requirements"), join(path, "requirements"))) {
            if ("InlineJavascriptRequirement".equals(className(r)) && r.get("expressionLib") != null
                    && r.get("expressionLib").isList()) {
                for (YamlNode item : r.get("expressionLib").items()) {
                    if (item.isString()) {
                        lib.add((String) item.value());
                    }
                }
            }
        }
        String version = root.get("cwlVersion") != null ? root.get("cwlVersion").text() : cwlVersion;
        return new ExpressionTool(id, version, optionalString(root, "label"), docText(root.get("doc")), inputs, outputs,
                (String) expression.value(), lib);
    }

    /** The process node with inherited requirements (or hints) added where it lacks their class. */
    private static YamlNode inherit(YamlNode process, String field, List<YamlNode> inherited, String path) {
        List<YamlNode> own = requirementList(process.get(field), path + "." + field);
        List<YamlNode> merged = new ArrayList<>(own);
        boolean tool = !(process.get("class") != null && "Workflow".equals(process.get("class").value()));
        for (YamlNode r : inherited) {
            if (tool && WORKFLOW_ONLY.contains(className(r))) {
                continue;
            }
            if (own.stream().noneMatch(o -> className(o).equals(className(r)))) {
                merged.add(r);
            }
        }
        if (tool) {
            merged.removeIf(r -> WORKFLOW_ONLY.contains(className(r)));
        }
        if (merged.isEmpty() && process.get(field) == null) {
            return process;
        }
        return process.with(field, YamlNode.list(merged, process.line()));
    }

    private static void addMissing(List<YamlNode> target, List<YamlNode> inherited) {
        for (YamlNode r : inherited) {
            if (target.stream().noneMatch(o -> className(o).equals(className(r)))) {
                target.add(r);
            }
        }
    }

    /** Requirements in list form, each a mapping with 'class' (the map form is turned into that). */
    private static List<YamlNode> requirementList(YamlNode node, String path) {
        List<YamlNode> list = new ArrayList<>();
        if (node == null || node.isNull()) {
            return list;
        }
        if (node.isList()) {
            for (int i = 0; i < node.items().size(); i++) {
                YamlNode item = node.items().get(i);
                if (!item.isMap() || item.get("class") == null || !item.get("class").isString()) {
                    throw CwlException.malformed("each requirement needs a 'class'", path + "[" + i + "]", item.line());
                }
                list.add(item);
            }
        } else if (node.isMap()) {
            for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
                YamlNode body = e.getValue();
                if (body.isNull()) {
                    body = YamlNode.parse("{}");
                }
                if (!body.isMap()) {
                    throw CwlException.malformed("requirement " + e.getKey() + " must be a mapping", path + "."
                            + e.getKey(), body.line());
                }
                list.add(body.with("class", YamlNode.string(e.getKey(), body.line())));
            }
        } else {
            throw CwlException.malformed("'" + path + "' must be a list or a mapping of requirements", path, node.line());
        }
        return list;
    }

    private static String className(YamlNode requirement) {
        return String.valueOf(requirement.get("class").value());
    }

    // ---------------------------------------------------------------- sources and wiring

    private static List<Source> sources(YamlNode node, String path, String workflowId) {
        List<Source> sources = new ArrayList<>();
        if (node == null || node.isNull()) {
            return sources;
        }
        List<YamlNode> items = node.isList() ? node.items() : List.of(node);
        for (YamlNode item : items) {
            if (!item.isString()) {
                throw CwlException.malformed("a source must be a string such as 'input' or 'step/output', not "
                        + item.describe(), path, item.line());
            }
            sources.add(source((String) item.value(), workflowId, path, item.line()));
        }
        return sources;
    }

    /**
     * {@code input}, {@code step/output}, or their absolute forms from packed documents
     * ({@code #main/input}, {@code #main/step/output}), where the workflow's own id comes first.
     */
    static Source source(String raw, String workflowId, String path, int line) {
        String s = raw.startsWith("#") ? raw.substring(1) : raw;
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(hash + 1);
        }
        String[] parts = s.split("/");
        if (parts.length == 0 || parts[parts.length - 1].isEmpty()) {
            throw CwlException.malformed("empty source '" + raw + "'", path, line);
        }
        int first = parts.length > 1 && parts[0].equals(workflowId) ? 1 : 0;
        int count = parts.length - first;
        if (count == 1) {
            return Source.input(parts[parts.length - 1]);
        }
        return Source.output(parts[parts.length - 2], parts[parts.length - 1]);
    }

    private static void checkSource(Source s, Set<String> inputIds, Map<String, Set<String>> outputsByStep,
                                    String path) {
        if (s.isWorkflowInput()) {
            if (!inputIds.contains(s.id())) {
                throw CwlException.malformed("source '" + s + "' is not an input of the workflow; inputs: "
                        + String.join(", ", inputIds), path, null);
            }
            return;
        }
        Set<String> outs = outputsByStep.get(s.step());
        if (outs == null || !outs.contains(s.id())) {
            throw CwlException.malformed("source '" + s + "' names no declared step output"
                    + (outs == null ? "; there is no step '" + s.step() + "'" : "; step '" + s.step() + "' has: "
                    + String.join(", ", outs)), path, null);
        }
    }

    private static void checkAcyclic(List<WorkflowStep> steps, String path) {
        Map<String, Set<String>> deps = new HashMap<>();
        for (WorkflowStep step : steps) {
            Set<String> d = new LinkedHashSet<>();
            step.in().forEach(i -> i.sources().stream().filter(s -> !s.isWorkflowInput()).forEach(s -> d.add(s.step())));
            deps.put(step.id(), d);
        }
        Map<String, Integer> state = new HashMap<>();
        for (WorkflowStep step : steps) {
            Deque<String> trail = new ArrayDeque<>();
            visit(step.id(), deps, state, trail, path);
        }
    }

    private static void visit(String id, Map<String, Set<String>> deps, Map<String, Integer> state, Deque<String> trail,
                              String path) {
        Integer st = state.get(id);
        if (st != null && st == 2) {
            return;
        }
        trail.addLast(id);
        if (st != null && st == 1) {
            throw CwlException.malformed("the steps form a cycle: " + String.join(" -> ", trail), path, null);
        }
        state.put(id, 1);
        for (String d : deps.getOrDefault(id, Set.of())) {
            visit(d, deps, state, trail, path);
        }
        state.put(id, 2);
        trail.removeLast();
    }

    // ---------------------------------------------------------------- small helpers

    /** An entry of a list-or-map field (inputs, outputs, steps, in): its id, body and location. */
    private record Entry(String id, YamlNode node, String path) {
    }

    private static List<Entry> entries(YamlNode node, String path, String what) {
        List<Entry> list = new ArrayList<>();
        if (node.isNull()) {
            return list;
        }
        if (node.isList()) {
            for (int i = 0; i < node.items().size(); i++) {
                YamlNode item = node.items().get(i);
                YamlNode idNode = item.isMap() ? item.get("id") : null;
                if (idNode == null || !idNode.isScalar() || idNode.value() == null) {
                    throw CwlException.malformed("each " + what + " in the list form needs an 'id'", path + "[" + i + "]",
                            item.line());
                }
                String id = CwlParser.stripId(idNode.text());
                list.add(new Entry(id, item, path + "." + id));
            }
        } else if (node.isMap()) {
            for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
                String id = CwlParser.stripId(e.getKey());
                list.add(new Entry(id, e.getValue(), path + "." + id));
            }
        } else {
            throw CwlException.malformed("'" + path + "' must be a list or a mapping, not " + node.describe(), path,
                    node.line());
        }
        return list;
    }

    private static Object checkedDefault(CwlType type, YamlNode node, String path) {
        List<String> errors = new ArrayList<>();
        Object checked = JobInputs.check(type, node.toPlain(), path, errors);
        if (!errors.isEmpty()) {
            throw CwlException.malformed("default does not match type " + type + ": " + errors.get(0), path, node.line());
        }
        return checked;
    }

    private static LinkMerge linkMerge(YamlNode node, String path) {
        YamlNode m = node.get("linkMerge");
        if (m == null || m.isNull()) {
            return null;
        }
        LinkMerge merge = m.isString() ? LinkMerge.of((String) m.value()) : null;
        if (merge == null) {
            throw CwlException.malformed("linkMerge must be merge_nested or merge_flattened", path + ".linkMerge", m.line());
        }
        return merge;
    }

    /** Whether a value of this type may be an array: an array, Any, or a union with an array. */
    private static boolean holdsArray(CwlType type) {
        return type.isArray() || "Any".equals(type.name())
                || type.alternatives().stream().anyMatch(WorkflowParser::holdsArray);
    }

    private static PickValue pickValue(YamlNode node, String path) {
        YamlNode p = node.get("pickValue");
        if (p == null || p.isNull()) {
            return null;
        }
        PickValue pick = p.isString() ? PickValue.of((String) p.value()) : null;
        if (pick == null) {
            throw CwlException.malformed("pickValue must be first_non_null, the_only_non_null or all_non_null",
                    path + ".pickValue", p.line());
        }
        return pick;
    }

    private static void checkFields(YamlNode node, Set<String> known, String what, String path) {
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            if (!known.contains(e.getKey()) && !e.getKey().contains(":")) {
                throw CwlException.malformed("unknown field '" + e.getKey() + "' in " + what + "; known fields: "
                        + String.join(", ", new TreeSet<>(known)), path + "." + e.getKey(), e.getValue().line());
            }
        }
    }

    private static YamlNode required(YamlNode node, String field, String path) {
        YamlNode value = node.get(field);
        if (value == null) {
            throw CwlException.malformed("missing '" + field + "'", join(path, field), node.line());
        }
        return value;
    }

    private static String optionalString(YamlNode node, String field) {
        YamlNode value = node.get(field);
        return value != null && value.isString() ? (String) value.value() : null;
    }

    /** An optional boolean field, false when absent; anything but true or false is MALFORMED. */
    private static boolean flag(YamlNode node, String field, String path) {
        YamlNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!(v.value() instanceof Boolean b)) {
            throw CwlException.malformed("'" + field + "' must be true or false, not " + v.describe(),
                    join(path, field), v.line());
        }
        return b;
    }

    private static String docText(YamlNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isList()) {
            List<String> lines = new ArrayList<>();
            node.items().forEach(i -> lines.add(String.valueOf(i.value())));
            return String.join("\n", lines);
        }
        return node.isScalar() ? String.valueOf(node.value()) : null;
    }

    private static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
