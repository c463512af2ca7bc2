package io.cairn.cwl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed CWL {@code CommandLineTool} within the subset Cairn runs. Strings that may hold
 * parameter references ({@code stdin}, {@code stdout}, {@code stderr}, {@code envDef} values,
 * {@code valueFrom}, globs) are kept raw; {@link CommandLineBuilder} and {@link OutputCollector}
 * evaluate them.
 */
public final class CommandLineTool implements CwlProcess {

    private final String id;
    private final String label;
    private final String doc;
    private final String cwlVersion;
    private final List<String> baseCommand;
    private final List<CommandLineBinding> arguments;
    private final List<InputParameter> inputs;
    private final List<OutputParameter> outputs;
    private final String stdin;
    private final String stdout;
    private final String stderr;
    private final Set<Integer> successCodes;
    private final Set<Integer> temporaryFailCodes;
    private final Set<Integer> permanentFailCodes;
    private final Map<String, String> envDef;
    private final DockerRequirement docker;
    private final boolean dockerRequired;
    private final ResourceRequirement resources;
    private final List<String> ignoredHints;
    private final Map<String, Integer> lines;
    private final Map<String, String> namespaces;
    private final boolean ontologies;
    private final boolean shellCommand;
    private final boolean workReuse;
    private final boolean networkAccess;
    private final boolean inplaceUpdate;
    private final long timeLimitSeconds;
    private final List<String> expressionLib;
    private final Object initialWorkDir;
    private final Map<String, String> resourceExpressions;
    private final String loadListing;
    private final Map<String, String> inputLoadListing;
    private final String timeLimitExpression;
    private final String timeLimitPath;
    private final String resourcePath;

    CommandLineTool(Builder b) {
        this.id = b.id;
        this.label = b.label;
        this.doc = b.doc;
        this.cwlVersion = b.cwlVersion;
        this.baseCommand = List.copyOf(b.baseCommand);
        this.arguments = List.copyOf(b.arguments);
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.stdin = b.stdin;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.successCodes = Collections.unmodifiableSet(new LinkedHashSet<>(
                b.successCodes == null ? Set.of(0) : b.successCodes));
        this.temporaryFailCodes = Collections.unmodifiableSet(new LinkedHashSet<>(b.temporaryFailCodes));
        this.permanentFailCodes = Collections.unmodifiableSet(new LinkedHashSet<>(b.permanentFailCodes));
        this.envDef = Collections.unmodifiableMap(new LinkedHashMap<>(b.envDef));
        this.docker = b.docker;
        this.dockerRequired = b.dockerRequired;
        this.resources = b.resources;
        this.ignoredHints = List.copyOf(b.ignoredHints);
        this.lines = Map.copyOf(b.lines);
        this.namespaces = Collections.unmodifiableMap(new LinkedHashMap<>(b.namespaces));
        this.ontologies = b.ontologies;
        this.shellCommand = b.shellCommand;
        this.workReuse = b.workReuse;
        this.networkAccess = b.networkAccess;
        this.inplaceUpdate = b.inplaceUpdate;
        this.timeLimitSeconds = b.timeLimitSeconds;
        this.expressionLib = b.expressionLib == null ? null : List.copyOf(b.expressionLib);
        this.initialWorkDir = b.initialWorkDir;
        this.resourceExpressions = Collections.unmodifiableMap(new LinkedHashMap<>(b.resourceExpressions));
        this.resourcePath = b.resourcePath;
        this.timeLimitExpression = b.timeLimitExpression;
        this.timeLimitPath = b.timeLimitPath;
        this.loadListing = b.loadListing != null ? b.loadListing
                : "v1.0".equals(b.cwlVersion) ? "deep_listing" : "no_listing";
        this.inputLoadListing = Map.copyOf(b.inputLoadListing);
    }

    /**
     * How much of a Directory input's listing the tool sees when the listing was loaded from
     * disk (see {@link JobInputs#LISTING_LOADED}): the input's {@code loadListing}, else the
     * LoadListingRequirement's, else {@code no_listing} ({@code deep_listing} for CWL v1.0
     * documents, which had no such setting). A listing given in the job is always kept.
     */
    public String loadListing(String inputId) {
        return inputLoadListing.getOrDefault(inputId, loadListing);
    }

    /**
     * The time limit of one run in seconds (0: none): {@link #timeLimitSeconds()}, or the value of
     * the ToolTimeLimit expression against the run's inputs.
     *
     * @throws CwlException INVALID when the expression gives no whole number of seconds, 0 or more
     */
    public long timeLimitFor(Map<String, Object> inputs, RuntimeContext runtime) {
        if (timeLimitExpression == null) {
            return timeLimitSeconds;
        }
        Map<String, Object> context = CommandLineBuilder.context(this, inputs, runtime);
        Object value = CommandLineBuilder.evaluate(this, timeLimitExpression, context, null, timeLimitPath);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0) {
            throw CwlException.invalid("timelimit must evaluate to a whole number of seconds, 0 or more, not "
                    + CwlValues.describe(value), timeLimitPath, lineOf(timeLimitPath));
        }
        return n.longValue();
    }

    /**
     * The resources of one run: {@link #resources()} with the fields given as expressions
     * evaluated against the run's inputs ({@code runtime} offers outdir and tmpdir only, as CWL
     * says). Fractions are kept; the {@code min*()} helpers round up.
     *
     * @throws CwlException INVALID when an expression fails or gives no non-negative number
     */
    public ResourceRequirement resourcesFor(Map<String, Object> inputs, RuntimeContext runtime) {
        ResourceRequirement fixed = resources == null ? ResourceRequirement.DEFAULTS : resources;
        if (resourceExpressions.isEmpty()) {
            return fixed;
        }
        Map<String, Object> context = new java.util.HashMap<>(CommandLineBuilder.context(this, inputs, runtime, false));
        Map<String, Object> rt = new LinkedHashMap<>();
        rt.put("outdir", runtime.outdir());
        rt.put("tmpdir", runtime.tmpdir());
        context.put("runtime", rt);
        Double[] values = {fixed.coresMin(), fixed.coresMax(), fixed.ramMin(), fixed.ramMax(), fixed.tmpdirMin(),
            fixed.tmpdirMax(), fixed.outdirMin(), fixed.outdirMax()};
        List<String> names = List.of("coresMin", "coresMax", "ramMin", "ramMax", "tmpdirMin", "tmpdirMax",
                "outdirMin", "outdirMax");
        for (int i = 0; i < names.size(); i++) {
            String expression = resourceExpressions.get(names.get(i));
            if (expression == null) {
                continue;
            }
            String path = resourcePath + "." + names.get(i);
            Object value = CommandLineBuilder.evaluate(this, expression, context, null, path);
            if (value == null) {
                continue;
            }
            if (!(value instanceof Number n) || !(n.doubleValue() >= 0)) {
                throw CwlException.invalid(names.get(i) + " must evaluate to a number, 0 or more, not "
                        + CwlValues.describe(value), path, lineOf(path));
            }
            values[i] = n.doubleValue();
        }
        return new ResourceRequirement(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                values[7]);
    }

    /**
     * The raw {@code InitialWorkDirRequirement.listing} (an expression String or a List of
     * entries, see {@link InitialWorkDir}), or null without the requirement.
     */
    public Object initialWorkDir() {
        return initialWorkDir;
    }

    /** Whether expressions may be JavaScript ({@code InlineJavascriptRequirement}, as requirement or hint). */
    public boolean javascript() {
        return expressionLib != null;
    }

    /** The {@code expressionLib} entries in force, in order; empty without JavaScript. */
    public List<String> expressionLib() {
        return expressionLib == null ? List.of() : expressionLib;
    }

    /** Document id without leading {@code #}, or null. */
    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public String doc() {
        return doc;
    }

    /** As written: {@code v1.2}, {@code v1.1} or {@code v1.0}. */
    @Override
    public String cwlClass() {
        return "CommandLineTool";
    }

    @Override
    public List<String> outputIds() {
        return outputs().stream().map(OutputParameter::id).toList();
    }

    @Override
    public String cwlVersion() {
        return cwlVersion;
    }

    /** Possibly empty; then the first bound argument is the program. */
    public List<String> baseCommand() {
        return baseCommand;
    }

    public List<CommandLineBinding> arguments() {
        return arguments;
    }

    public List<InputParameter> inputs() {
        return inputs;
    }

    public List<OutputParameter> outputs() {
        return outputs;
    }

    public Optional<InputParameter> input(String inputId) {
        return inputs.stream().filter(p -> p.id().equals(inputId)).findFirst();
    }

    public Optional<OutputParameter> output(String outputId) {
        return outputs.stream().filter(p -> p.id().equals(outputId)).findFirst();
    }

    /** Raw {@code stdin} field (a {@code stdin}-typed input becomes {@code $(inputs.NAME.path)}), or null. */
    public String stdin() {
        return stdin;
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }

    /** Exit codes meaning success; {0} unless the document says otherwise. */
    public Set<Integer> successCodes() {
        return successCodes;
    }

    public Set<Integer> temporaryFailCodes() {
        return temporaryFailCodes;
    }

    public Set<Integer> permanentFailCodes() {
        return permanentFailCodes;
    }

    /** Environment from EnvVarRequirement (hint values overridden by the requirement), values raw. */
    public Map<String, String> envDef() {
        return envDef;
    }

    public Optional<DockerRequirement> docker() {
        return Optional.ofNullable(docker);
    }

    /** True when DockerRequirement is under {@code requirements}; false when only a hint (or absent). */
    public boolean dockerRequired() {
        return dockerRequired;
    }

    /**
     * Where the output folder is inside the tool's container: {@code DockerRequirement.dockerOutputDirectory}
     * (normalized) when DockerRequirement is a requirement that names one; empty when the output folder keeps its
     * own path (a hint's value is not acted on).
     */
    public Optional<String> containerOutdir() {
        return dockerRequired && docker != null ? Optional.ofNullable(docker.dockerOutputDirectory())
                : Optional.empty();
    }

    public Optional<ResourceRequirement> resources() {
        return Optional.ofNullable(resources);
    }

    /** Classes of hints that were ignored because Cairn does not support them. */
    public List<String> ignoredHints() {
        return ignoredHints;
    }

    /** The document's {@code $namespaces}: prefix → IRI, used to expand formats such as {@code edam:format_2330}. */
    public Map<String, String> namespaces() {
        return namespaces;
    }

    /**
     * True when the document names format ontologies ({@code $schemas}). Cairn does not load them,
     * so it cannot tell whether a format is a subclass or an equivalent class of a declared one:
     * input formats are then not checked. Without ontologies a File's format must equal one of
     * the declared ones, as CWL allows.
     */
    public boolean formatOntologies() {
        return ontologies;
    }

    /**
     * True with ShellCommandRequirement: the command line is joined into one {@code /bin/sh -c}
     * script, every element quoted except those of bindings with {@code shellQuote: false}.
     */
    public boolean shellCommand() {
        return shellCommand;
    }

    /**
     * False when the tool says {@code WorkReuse: {enableReuse: false}}, or
     * {@code InplaceUpdateRequirement: {inplaceUpdate: true}} (CWL: in-place updates imply no
     * reuse): its results are never served from the cache.
     */
    public boolean workReuse() {
        return workReuse && !inplaceUpdate;
    }

    /**
     * True when the tool says {@code InplaceUpdateRequirement: {inplaceUpdate: true}}: what it
     * changes in its writable InitialWorkDir entries that came from its inputs replaces, for the
     * rest of the workflow, the File or Directory it was staged from.
     */
    public boolean inplaceUpdate() {
        return inplaceUpdate;
    }

    /** True when the tool says {@code NetworkAccess: {networkAccess: true}}. */
    public boolean networkAccess() {
        return networkAccess;
    }

    /** The tool's {@code ToolTimeLimit} in seconds, 0 for none. */
    public long timeLimitSeconds() {
        return timeLimitSeconds;
    }

    /**
     * A format IRI with a {@code prefix:} from {@link #namespaces()} expanded; anything else as
     * given.
     */
    public String expandFormat(String format) {
        if (format == null) {
            return null;
        }
        int colon = format.indexOf(':');
        if (colon > 0) {
            String ns = namespaces.get(format.substring(0, colon));
            if (ns != null) {
                return ns + format.substring(colon + 1);
            }
        }
        return format;
    }

    /** 1-based line of a document location such as {@code arguments[1].valueFrom}, or null. */
    Integer lineOf(String path) {
        return lines.get(path);
    }

    /** Mutable state for the parser. */
    static final class Builder {
        String id;
        String label;
        String doc;
        String cwlVersion;
        List<String> baseCommand = List.of();
        List<CommandLineBinding> arguments = List.of();
        List<InputParameter> inputs = List.of();
        List<OutputParameter> outputs = List.of();
        String stdin;
        String stdout;
        String stderr;
        Set<Integer> successCodes;
        Set<Integer> temporaryFailCodes = Set.of();
        Set<Integer> permanentFailCodes = Set.of();
        Map<String, String> envDef = new LinkedHashMap<>();
        DockerRequirement docker;
        boolean dockerRequired;
        ResourceRequirement resources;
        List<String> ignoredHints = new java.util.ArrayList<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        Map<String, String> namespaces = new LinkedHashMap<>();
        boolean ontologies;
        boolean shellCommand;
        boolean workReuse = true;
        boolean workReuseRequired;
        boolean networkAccess;
        boolean networkAccessRequired;
        boolean inplaceUpdate;
        boolean inplaceUpdateRequired;
        long timeLimitSeconds;
        boolean timeLimitRequired;
        List<String> expressionLib;
        Object initialWorkDir;
        Map<String, String> resourceExpressions = new LinkedHashMap<>();
        String resourcePath = "requirements.ResourceRequirement";
        String timeLimitExpression;
        String timeLimitPath;
        String loadListing;
        Map<String, String> inputLoadListing = new LinkedHashMap<>();
    }
}
