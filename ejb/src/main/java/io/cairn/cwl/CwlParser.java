package io.cairn.cwl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a CWL {@code CommandLineTool} document (YAML or JSON) into a {@link CommandLineTool},
 * checking its shape and that it stays within what Cairn runs. Errors carry the location and the
 * 1-based line of the offending key.
 */
public final class CwlParser {

    static final List<String> SUPPORTED_REQUIREMENTS =
            List.of("EnvVarRequirement", "DockerRequirement", "ResourceRequirement", "ShellCommandRequirement",
                    "InlineJavascriptRequirement", "InitialWorkDirRequirement", "SchemaDefRequirement",
                    "LoadListingRequirement", "WorkReuse", "NetworkAccess", "ToolTimeLimit",
                    "InplaceUpdateRequirement");
    private static final Set<String> VERSIONS = Set.of("v1.0", "v1.1", "v1.2");
    private static final Set<String> TOOL_FIELDS = Set.of("id", "label", "doc", "inputs", "outputs", "requirements",
            "hints", "cwlVersion", "intent", "class", "baseCommand", "arguments", "stdin", "stdout", "stderr",
            "successCodes", "temporaryFailCodes", "permanentFailCodes", "$namespaces", "$schemas", "$base");
    private static final Set<String> INPUT_FIELDS = Set.of("id", "type", "label", "doc", "format", "default",
            "inputBinding", "streamable", "secondaryFiles", "loadContents", "loadListing");
    private static final Set<String> OUTPUT_FIELDS = Set.of("id", "type", "label", "doc", "format", "outputBinding",
            "streamable", "secondaryFiles");
    private static final Set<String> INPUT_FIELD_FIELDS = Set.of("name", "type", "label", "doc", "format",
            "inputBinding", "streamable", "secondaryFiles", "loadContents", "loadListing");
    private static final Set<String> OUTPUT_FIELD_FIELDS = Set.of("name", "type", "label", "doc", "format",
            "outputBinding", "streamable", "secondaryFiles");
    private static final Set<String> RECORD_SCHEMA_FIELDS = Set.of("type", "fields", "label", "doc", "name",
            "inputBinding");
    private static final Set<String> ENUM_SCHEMA_FIELDS = Set.of("type", "symbols", "label", "doc", "name",
            "inputBinding");
    private static final Set<String> BINDING_FIELDS = Set.of("position", "prefix", "separate", "itemSeparator",
            "valueFrom", "shellQuote", "loadContents");
    private static final Set<String> OUTPUT_BINDING_FIELDS = Set.of("glob", "loadContents", "loadListing",
            "outputEval");
    private static final Set<String> ARRAY_SCHEMA_FIELDS = Set.of("type", "items", "inputBinding", "label", "doc",
            "name");
    private static final List<String> TYPE_NAMES = List.of("null", "boolean", "int", "long", "float", "double",
            "string", "File", "Directory", "Any");
    private static final Set<String> DOCKER_FIELDS = Set.of("class", "dockerPull", "dockerImageId", "dockerLoad",
            "dockerFile", "dockerImport", "dockerOutputDirectory");
    private static final List<String> RESOURCE_FIELDS = List.of("coresMin", "coresMax", "ramMin", "ramMax",
            "tmpdirMin", "tmpdirMax", "outdirMin", "outdirMax");
    static final List<String> RUNTIME_FIELDS = List.of("outdir", "tmpdir", "cores", "ram", "outdirSize",
            "tmpdirSize");

    /** A string field that may hold parameter references, checked once all input names are known. */
    private record PendingExpression(String text, String path, int line, boolean selfBound, boolean afterRun) {

        PendingExpression(String text, String path, int line, boolean selfBound) {
            this(text, path, line, selfBound, false);
        }
    }

    private final CommandLineTool.Builder tool = new CommandLineTool.Builder();
    private final List<PendingExpression> expressions = new ArrayList<>();
    /** SchemaDefRequirement types by short name, and those being parsed (a type may not contain itself). */
    private final Map<String, YamlNode> schemaTypes = new LinkedHashMap<>();
    private final Set<String> expanding = new java.util.HashSet<>();

    private CwlParser() {
    }

    /**
     * Parses a tool document.
     *
     * @throws CwlException MALFORMED for syntax errors and wrong shapes, UNSUPPORTED for valid CWL
     *                      outside the supported subset
     */
    public static CommandLineTool parseTool(String text) {
        return new CwlParser().parse(YamlNode.parse(text));
    }

    /** Parses a tool given as an already-read node, such as a workflow step's inline {@code run}. */
    static CommandLineTool parseTool(YamlNode root) {
        return new CwlParser().parse(root);
    }

    /** Parses a parameter type outside a tool (workflow inputs and outputs). */
    static CwlType parseParameterType(YamlNode node, String path, boolean input) {
        return new CwlParser().parseType(node, path, input);
    }

    /** The same, with the named types of the process's SchemaDefRequirement (see {@link #schemaTypes}). */
    static CwlType parseParameterType(YamlNode node, String path, boolean input, Map<String, YamlNode> schemaTypes) {
        CwlParser parser = new CwlParser();
        parser.schemaTypes.putAll(schemaTypes);
        return parser.parseType(node, path, input);
    }

    /**
     * The named types of the SchemaDefRequirement in {@code requirements} or {@code hints} (list
     * or map form), by short name: {@code #Foo}, {@code file.yml#Foo} and {@code Foo} are all
     * {@code Foo}.
     */
    static Map<String, YamlNode> schemaTypes(YamlNode... requirementFields) {
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (YamlNode field : requirementFields) {
            List<YamlNode> bodies = new ArrayList<>();
            if (field != null && field.isList()) {
                for (YamlNode item : field.items()) {
                    if (item.isMap() && item.get("class") != null && "SchemaDefRequirement".equals(item.get("class").value())) {
                        bodies.add(item);
                    }
                }
            } else if (field != null && field.isMap() && field.get("SchemaDefRequirement") != null) {
                bodies.add(field.get("SchemaDefRequirement"));
            }
            for (YamlNode body : bodies) {
                YamlNode types = body.isMap() ? body.get("types") : null;
                if (types == null || !types.isList()) {
                    throw CwlException.malformed("SchemaDefRequirement needs 'types', a list of named types", null,
                            body.line());
                }
                List<YamlNode> flat = new ArrayList<>();
                for (YamlNode type : types.items()) {
                    // an $import of a file that holds a list of types gives a nested list
                    if (type.isList()) {
                        flat.addAll(type.items());
                    } else {
                        flat.add(type);
                    }
                }
                for (YamlNode type : flat) {
                    YamlNode name = type.isMap() ? type.get("name") : null;
                    if (name == null || !name.isString()) {
                        throw CwlException.malformed("every type of SchemaDefRequirement needs a 'name'", null,
                                type.line());
                    }
                    out.putIfAbsent(shortTypeName((String) name.value()), type);
                }
            }
        }
        return out;
    }

    /** {@code file.yml#Foo}, {@code #Foo}, {@code #file.yml/Foo} → {@code Foo}. */
    static String shortTypeName(String name) {
        String n = name.substring(name.indexOf('#') + 1);
        return n.substring(n.lastIndexOf('/') + 1);
    }

    private CommandLineTool parse(YamlNode root) {
        if (!root.isMap()) {
            throw CwlException.malformed("a CWL document must be a mapping (JSON object) at the top level, not "
                    + root.describe(), null, root.line());
        }
        if (root.has("$graph")) {
            throw CwlException.unsupported("packed documents ($graph) are not supported; "
                    + "supply a single CommandLineTool document", "$graph", root.get("$graph").line());
        }
        rejectDirectives(root, "");
        parseClassAndVersion(root);
        for (String key : root.entries().keySet()) {
            if (!TOOL_FIELDS.contains(key) && !isExtension(key)) {
                throw CwlException.malformed("unknown field '" + key + "' in CommandLineTool; known fields: "
                        + String.join(", ", new TreeSet<>(TOOL_FIELDS)), key, root.get(key).line());
            }
        }
        parseNamespaces(root.get("$namespaces"));
        tool.ontologies = root.get("$schemas") != null && !root.get("$schemas").isNull();
        tool.id = stripId(optionalString(root, "id", "id"));
        tool.label = optionalString(root, "label", "label");
        tool.doc = docText(root.get("doc"), "doc");
        schemaTypes.putAll(schemaTypes(root.get("requirements"), root.get("hints")));
        parseRequirements(root.get("requirements"), true);
        parseRequirements(root.get("hints"), false);
        tool.inputs = parseInputs(required(root, "inputs", ""));
        tool.outputs = parseOutputs(required(root, "outputs", ""));
        tool.baseCommand = parseBaseCommand(root.get("baseCommand"));
        tool.arguments = parseArguments(root.get("arguments"));
        for (String stream : List.of("stdin", "stdout", "stderr")) {
            String value = optionalString(root, stream, stream);
            if (value != null) {
                expressions.add(new PendingExpression(value, stream, root.get(stream).line(), false));
                tool.lines.put(stream, root.get(stream).line());
            }
            switch (stream) {
                case "stdin" -> {
                    if (value != null && tool.stdin != null) {
                        throw CwlException.malformed("'stdin' is given both as a field and as an input of type "
                                + "stdin; use one", stream, root.get(stream).line());
                    }
                    if (value != null) {
                        tool.stdin = value;
                    }
                }
                case "stdout" -> tool.stdout = value;
                default -> tool.stderr = value;
            }
        }
        tool.successCodes = intSet(root.get("successCodes"), "successCodes");
        tool.temporaryFailCodes = orEmpty(intSet(root.get("temporaryFailCodes"), "temporaryFailCodes"));
        tool.permanentFailCodes = orEmpty(intSet(root.get("permanentFailCodes"), "permanentFailCodes"));
        checkExpressions();
        return new CommandLineTool(tool);
    }

    // ---------------------------------------------------------------- document level

    private static void rejectDirectives(YamlNode node, String path) {
        if (node.isMap()) {
            for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
                String key = e.getKey();
                String childPath = join(path, key);
                if ("$import".equals(key) || "$include".equals(key) || "$mixin".equals(key)) {
                    throw CwlException.unsupported(key + " is not supported; inline the referenced content into "
                            + "the document", childPath, e.getValue().line());
                }
                rejectDirectives(e.getValue(), childPath);
            }
        } else if (node.isList()) {
            for (int i = 0; i < node.items().size(); i++) {
                rejectDirectives(node.items().get(i), path + "[" + i + "]");
            }
        }
    }

    private void parseNamespaces(YamlNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isMap()) {
            throw CwlException.malformed("'$namespaces' must be a mapping of prefix: IRI, not " + node.describe(),
                    "$namespaces", node.line());
        }
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            tool.namespaces.put(e.getKey(), scalarText(e.getValue(), "$namespaces." + e.getKey(), "namespace IRI"));
        }
    }

    private void parseClassAndVersion(YamlNode root) {
        YamlNode cls = root.get("class");
        if (cls == null) {
            throw CwlException.malformed("missing 'class'; expected class: CommandLineTool", null, root.line());
        }
        if (!cls.isString()) {
            throw CwlException.malformed("'class' must be a string, not " + cls.describe(), "class", cls.line());
        }
        String name = (String) cls.value();
        switch (name) {
            case "CommandLineTool":
                break;
            case "Workflow", "ExpressionTool", "Operation":
                throw CwlException.unsupported("class " + name + " is not supported yet: " + name
                        + " documents arrive with workflow support; only CommandLineTool runs now", "class",
                        cls.line());
            default:
                throw CwlException.malformed("unknown class '" + name + "'; expected CommandLineTool", "class",
                        cls.line());
        }
        YamlNode version = root.get("cwlVersion");
        if (version == null) {
            throw CwlException.malformed("missing 'cwlVersion'; expected cwlVersion: v1.2 (v1.0 and v1.1 are also "
                    + "accepted)", null, root.line());
        }
        String v = version.isScalar() && version.value() != null ? version.text() : null;
        if (v == null || !VERSIONS.contains(v)) {
            throw CwlException.malformed("unsupported cwlVersion " + (v == null ? version.describe() : "'" + v + "'")
                    + "; expected v1.2 (v1.0 and v1.1 are also accepted)", "cwlVersion", version.line());
        }
        tool.cwlVersion = v;
        tool.lines.put("class", cls.line());
    }

    // ---------------------------------------------------------------- requirements

    private void parseRequirements(YamlNode node, boolean required) {
        String field = required ? "requirements" : "hints";
        if (node == null || node.isNull()) {
            return;
        }
        List<Object[]> entries = new ArrayList<>();
        if (node.isList()) {
            for (int i = 0; i < node.items().size(); i++) {
                YamlNode item = node.items().get(i);
                String path = field + "[" + i + "]";
                if (!item.isMap()) {
                    throw CwlException.malformed("each entry of " + field + " must be a mapping with a 'class', not "
                            + item.describe(), path, item.line());
                }
                YamlNode cls = item.get("class");
                if (cls == null || !cls.isString()) {
                    throw CwlException.malformed("missing 'class' in " + field + " entry", path, item.line());
                }
                entries.add(new Object[] {cls.value(), item, path});
            }
        } else if (node.isMap()) {
            for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
                YamlNode body = e.getValue();
                String path = field + "." + e.getKey();
                if (!body.isMap() && !body.isNull()) {
                    throw CwlException.malformed("the body of " + e.getKey() + " must be a mapping, not "
                            + body.describe(), path, body.line());
                }
                entries.add(new Object[] {e.getKey(), body, path});
            }
        } else {
            throw CwlException.malformed("'" + field + "' must be a list or a mapping, not " + node.describe(), field,
                    node.line());
        }
        for (Object[] entry : entries) {
            String cls = (String) entry[0];
            YamlNode body = (YamlNode) entry[1];
            String path = (String) entry[2];
            switch (cls) {
                case "DockerRequirement" -> parseDocker(body, path, required);
                case "EnvVarRequirement" -> parseEnvVar(body, path, required);
                case "ResourceRequirement" -> parseResources(body, path, required);
                case "ShellCommandRequirement" -> {
                    checkFields(body, Set.of("class"), "ShellCommandRequirement", path);
                    if (required) {
                        tool.shellCommand = true;
                    } else {
                        // as a hint it is not in effect: arguments stay an argument list
                        tool.ignoredHints.add(cls);
                    }
                }
                case "WorkReuse" -> {
                    checkFields(body, Set.of("class", "enableReuse"), cls, path);
                    Boolean reuse = literalBoolean(body, "enableReuse", path);
                    if (reuse != null && (required || !tool.workReuseRequired)) {
                        tool.workReuse = reuse;
                        tool.workReuseRequired |= required;
                    }
                }
                case "InplaceUpdateRequirement" -> {
                    checkFields(body, Set.of("class", "inplaceUpdate"), cls, path);
                    Boolean inplace = literalBoolean(body, "inplaceUpdate", path);
                    if (inplace == null) {
                        throw CwlException.malformed("InplaceUpdateRequirement needs 'inplaceUpdate'", path,
                                body.line());
                    }
                    if (required || !tool.inplaceUpdateRequired) {
                        tool.inplaceUpdate = inplace;
                        tool.inplaceUpdateRequired |= required;
                    }
                }
                case "NetworkAccess" -> {
                    checkFields(body, Set.of("class", "networkAccess"), cls, path);
                    Boolean network = literalBoolean(body, "networkAccess", path);
                    if (network == null) {
                        throw CwlException.malformed("NetworkAccess needs 'networkAccess'", path, body.line());
                    }
                    if (required || !tool.networkAccessRequired) {
                        tool.networkAccess = network;
                        tool.networkAccessRequired |= required;
                    }
                }
                case "ToolTimeLimit" -> {
                    checkFields(body, Set.of("class", "timelimit"), cls, path);
                    YamlNode v = body.get("timelimit");
                    String p = path + ".timelimit";
                    if (v == null || v.isNull()) {
                        throw CwlException.malformed("ToolTimeLimit needs 'timelimit'", path, body.line());
                    }
                    if (v.isString() && ParameterReferences.mayContainReferences((String) v.value())) {
                        // evaluated per run (see CommandLineTool#timeLimitFor)
                        if (required || !tool.timeLimitRequired) {
                            tool.timeLimitExpression = (String) v.value();
                            tool.timeLimitPath = p;
                            tool.lines.put(p, v.line());
                            expressions.add(new PendingExpression((String) v.value(), p, v.line(), false));
                            tool.timeLimitRequired |= required;
                        }
                    } else if (!(v.value() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                            || n.longValue() < 0) {
                        throw CwlException.malformed("timelimit must be a whole number of seconds, 0 or more, not "
                                + v.describe(), p, v.line());
                    } else if (required || !tool.timeLimitRequired) {
                        tool.timeLimitExpression = null;
                        tool.timeLimitSeconds = n.longValue();
                        tool.timeLimitRequired |= required;
                    }
                }
                case "LoadListingRequirement" -> {
                    checkFields(body, Set.of("class", "loadListing"), cls, path);
                    String depth = loadListing(body, path);
                    if (depth != null && (required || tool.loadListing == null)) {
                        tool.loadListing = depth;
                    }
                }
                case "SchemaDefRequirement" -> {
                    // its types were read before the inputs (see schemaTypes)
                }
                case "InitialWorkDirRequirement" -> {
                    checkFields(body, Set.of("class", "listing"), cls, path);
                    YamlNode listing = required(body, "listing", path);
                    if (!listing.isList() && !listing.isString()) {
                        throw CwlException.malformed("listing must be a list or an expression, not "
                                + listing.describe(), path + ".listing", listing.line());
                    }
                    if (required || tool.initialWorkDir == null) {
                        String at = "requirements.InitialWorkDirRequirement.listing";
                        tool.lines.put(at, listing.line());
                        if (listing.isString()) {
                            expressions.add(new PendingExpression((String) listing.value(), at, listing.line(), false));
                        } else {
                            for (int i = 0; i < listing.items().size(); i++) {
                                YamlNode item = listing.items().get(i);
                                String itemPath = at + "[" + i + "]";
                                tool.lines.put(itemPath, item.line());
                                if (item.isString()) {
                                    expressions.add(new PendingExpression((String) item.value(), itemPath, item.line(),
                                            false));
                                } else if (item.isMap() && !item.has("class")) {
                                    checkFields(item, Set.of("entryname", "entry", "writable"), "Dirent", itemPath);
                                    for (String direntField : List.of("entryname", "entry")) {
                                        YamlNode v = item.get(direntField);
                                        if (v != null && v.isString()) {
                                            tool.lines.put(itemPath + "." + direntField, v.line());
                                            expressions.add(new PendingExpression((String) v.value(),
                                                    itemPath + "." + direntField, v.line(), false));
                                        }
                                    }
                                }
                            }
                        }
                        tool.initialWorkDir = listing.toPlain();
                    }
                }
                case "InlineJavascriptRequirement" -> {
                    // as a requirement or a hint (cwltool takes both): expressions may be JavaScript
                    checkFields(body, Set.of("class", "expressionLib"), cls, path);
                    List<String> lib = new ArrayList<>();
                    YamlNode libNode = body.get("expressionLib");
                    if (libNode != null && !libNode.isNull()) {
                        if (!libNode.isList()) {
                            throw CwlException.malformed("expressionLib must be a list of strings, not "
                                    + libNode.describe(), path + ".expressionLib", libNode.line());
                        }
                        for (int i = 0; i < libNode.items().size(); i++) {
                            YamlNode item = libNode.items().get(i);
                            if (!item.isString()) {
                                throw CwlException.malformed("expressionLib libNode must be strings, not "
                                        + item.describe(), path + ".expressionLib[" + i + "]", item.line());
                            }
                            lib.add((String) item.value());
                        }
                    }
                    if (required || tool.expressionLib == null) {
                        tool.expressionLib = lib;
                    }
                }
                default -> {
                    if (required) {
                        throw CwlException.unsupported("unsupported requirement '" + cls + "'; supported: "
                                + String.join(", ", SUPPORTED_REQUIREMENTS), path, body.line());
                    }
                    tool.ignoredHints.add(cls);
                }
            }
        }
    }

    private void parseDocker(YamlNode body, String path, boolean required) {
        if (tool.docker != null && tool.dockerRequired && !required) {
            return;
        }
        checkFields(body, DOCKER_FIELDS, "DockerRequirement", path);
        String pull = optionalString(body, "dockerPull", path + ".dockerPull");
        String imageId = optionalString(body, "dockerImageId", path + ".dockerImageId");
        String load = optionalString(body, "dockerLoad", path + ".dockerLoad");
        String file = optionalString(body, "dockerFile", path + ".dockerFile");
        String dockerImport = optionalString(body, "dockerImport", path + ".dockerImport");
        String outDir = optionalString(body, "dockerOutputDirectory", path + ".dockerOutputDirectory");
        if (pull == null && imageId == null && load == null && file == null && dockerImport == null) {
            throw CwlException.malformed("DockerRequirement needs one of dockerPull, dockerImageId, dockerLoad, "
                    + "dockerFile or dockerImport", path, body.line());
        }
        if (pull == null && imageId == null) {
            if (required) {
                throw CwlException.unsupported("DockerRequirement with only dockerLoad, dockerFile or dockerImport is "
                        + "not supported: build or load the image on the Docker host and name it with dockerImageId "
                        + "(or dockerPull)", path, body.line());
            }
            return; // a hint Cairn cannot follow: ignored, as hints may be
        }
        if (required && outDir != null) {
            String normal = outDir.isEmpty() ? "" : java.nio.file.Path.of(outDir).normalize().toString();
            if (!outDir.startsWith("/") || normal.equals("/") || outDir.indexOf('\0') >= 0) {
                throw CwlException.invalid("dockerOutputDirectory must be an absolute path inside the container, other "
                        + "than /; got '" + outDir + "'", path + ".dockerOutputDirectory", body.line());
            }
            outDir = normal;
        }
        tool.docker = new DockerRequirement(pull, imageId, load, file, dockerImport, outDir);
        tool.dockerRequired = required;
    }

    private void parseEnvVar(YamlNode body, String path, boolean required) {
        checkFields(body, Set.of("class", "envDef"), "EnvVarRequirement", path);
        YamlNode defs = body.get("envDef");
        if (defs == null) {
            throw CwlException.malformed("EnvVarRequirement needs 'envDef'", path, body.line());
        }
        String defsPath = path + ".envDef";
        Map<String, Object[]> parsed = new LinkedHashMap<>();
        if (defs.isMap()) {
            for (Map.Entry<String, YamlNode> e : defs.entries().entrySet()) {
                YamlNode v = e.getValue();
                String p = defsPath + "." + e.getKey();
                if (v.isMap()) {
                    v = v.get("envValue");
                    if (v == null) {
                        throw CwlException.malformed("missing 'envValue' for " + e.getKey(), p, e.getValue().line());
                    }
                }
                parsed.put(e.getKey(), new Object[] {scalarText(v, p, "envValue"), p, v.line()});
            }
        } else if (defs.isList()) {
            for (int i = 0; i < defs.items().size(); i++) {
                YamlNode item = defs.items().get(i);
                String p = defsPath + "[" + i + "]";
                if (!item.isMap()) {
                    throw CwlException.malformed("each envDef entry must be a mapping with envName and envValue, not "
                            + item.describe(), p, item.line());
                }
                checkFields(item, Set.of("envName", "envValue"), "envDef entry", p);
                String name = scalarText(required(item, "envName", p), p + ".envName", "envName");
                YamlNode value = required(item, "envValue", p);
                parsed.put(name, new Object[] {scalarText(value, p + ".envValue", "envValue"), p + ".envValue",
                        value.line()});
            }
        } else {
            throw CwlException.malformed("'envDef' must be a mapping of NAME: value or a list of {envName, envValue}, "
                    + "not " + defs.describe(), defsPath, defs.line());
        }
        for (Map.Entry<String, Object[]> e : parsed.entrySet()) {
            String name = e.getKey();
            Object[] v = e.getValue();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw CwlException.malformed("'" + name + "' is not a valid environment variable name "
                        + "(letters, digits and underscores, not starting with a digit)", (String) v[1], (Integer) v[2]);
            }
            if (!required && tool.envDef.containsKey(name)) {
                continue;
            }
            tool.envDef.put(name, (String) v[0]);
            tool.lines.put("envDef." + name, (Integer) v[2]);
            expressions.add(new PendingExpression((String) v[0], (String) v[1], (Integer) v[2], false));
        }
    }

    private void parseResources(YamlNode body, String path, boolean required) {
        if (tool.resources != null && !required) {
            return;
        }
        tool.resourceExpressions.clear();
        tool.resourcePath = path;
        Set<String> fields = new LinkedHashSet<>(RESOURCE_FIELDS);
        fields.add("class");
        checkFields(body, fields, "ResourceRequirement", path);
        Double[] values = new Double[RESOURCE_FIELDS.size()];
        for (int i = 0; i < values.length; i++) {
            String name = RESOURCE_FIELDS.get(i);
            YamlNode v = body.get(name);
            if (v == null || v.isNull()) {
                continue;
            }
            String p = path + "." + name;
            if (v.isString() && ParameterReferences.mayContainReferences((String) v.value())) {
                // evaluated per run, from its inputs (see CommandLineTool#resourcesFor)
                tool.resourceExpressions.put(name, (String) v.value());
                tool.lines.put(p, v.line());
                expressions.add(new PendingExpression((String) v.value(), p, v.line(), false));
                continue;
            }
            if (!(v.value() instanceof Number n)) {
                throw CwlException.malformed(name + " must be a number, not " + v.describe(), p, v.line());
            }
            if (n.doubleValue() < 0) {
                throw CwlException.malformed(name + " must not be negative, got " + v.text(), p, v.line());
            }
            if (n.doubleValue() != Math.rint(n.doubleValue()) && !"v1.2".equals(tool.cwlVersion)) {
                throw CwlException.malformed(name + " " + v.text() + " is not a whole number: fractional resources "
                        + "are CWL v1.2, and this document says cwlVersion " + tool.cwlVersion, p, v.line());
            }
            values[i] = n.doubleValue();
        }
        for (int i = 0; i < values.length; i += 2) {
            if (values[i] != null && values[i + 1] != null && values[i + 1] < values[i]) {
                throw CwlException.malformed(RESOURCE_FIELDS.get(i + 1) + " (" + CwlValues.formatNumber(values[i + 1])
                        + ") is less than " + RESOURCE_FIELDS.get(i) + " (" + CwlValues.formatNumber(values[i])
                        + ")", path + "." + RESOURCE_FIELDS.get(i + 1), body.get(RESOURCE_FIELDS.get(i + 1)).line());
            }
        }
        tool.resources = new ResourceRequirement(values[0], values[1], values[2], values[3], values[4], values[5],
                values[6], values[7]);
    }

    // ---------------------------------------------------------------- inputs

    /** A parameter entry from the list or map form, with its id and location. */
    private record Param(String id, YamlNode body, YamlNode shorthandType, String path, int line) {
    }

    private List<Param> parameterEntries(YamlNode node, String field) {
        List<Param> params = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (node.isNull()) {
            return params;
        }
        if (node.isList()) {
            for (int i = 0; i < node.items().size(); i++) {
                YamlNode item = node.items().get(i);
                String indexed = field + "[" + i + "]";
                if (!item.isMap()) {
                    throw CwlException.malformed("each entry of " + field + " must be a mapping with 'id' and 'type', "
                            + "not " + item.describe(), indexed, item.line());
                }
                YamlNode idNode = item.get("id");
                if (idNode == null || !idNode.isScalar() || idNode.value() == null) {
                    throw CwlException.malformed("missing 'id' in " + field + " entry", indexed, item.line());
                }
                String id = stripId(idNode.text());
                if (!seen.add(id)) {
                    throw CwlException.malformed("duplicate " + field + " id '" + id + "'", indexed, item.line());
                }
                params.add(new Param(id, item, null, field + "." + id, item.line()));
            }
        } else if (node.isMap()) {
            for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
                String id = stripId(e.getKey());
                YamlNode value = e.getValue();
                String path = field + "." + id;
                if (!seen.add(id)) {
                    throw CwlException.malformed("duplicate " + field + " id '" + id + "'", path, value.line());
                }
                if (value.isMap()) {
                    params.add(new Param(id, value, null, path, value.line()));
                } else if (value.isString() || value.isList()) {
                    params.add(new Param(id, null, value, path, value.line()));
                } else {
                    throw CwlException.malformed(field + " entry '" + id + "' must be a type name or a mapping with "
                            + "'type', not " + value.describe(), path, value.line());
                }
            }
        } else {
            throw CwlException.malformed("'" + field + "' must be a list or a mapping of parameters, not "
                    + node.describe(), field, node.line());
        }
        return params;
    }

    private List<InputParameter> parseInputs(YamlNode node) {
        List<InputParameter> inputs = new ArrayList<>();
        for (Param p : parameterEntries(node, "inputs")) {
            inputs.add(parseInput(p, false));
        }
        return inputs;
    }

    /** One input parameter, or (with {@code field}) one field of an input record type. */
    private InputParameter parseInput(Param p, boolean field) {
        tool.lines.put(p.path(), p.line());
        if (p.shorthandType() != null) {
            CwlType type = field ? parseType(p.shorthandType(), p.path() + ".type", true)
                    : parseInputTypeOrStdin(p.shorthandType(), p, p.path() + ".type");
            return new InputParameter(p.id(), type, null, null, null, List.of(), null);
        }
        YamlNode body = p.body();
        checkFields(body, field ? INPUT_FIELD_FIELDS : INPUT_FIELDS, field ? "record field" : "input parameter",
                p.path());
        YamlNode typeNode = required(body, "type", p.path());
        CwlType type = field ? parseType(typeNode, p.path() + ".type", true)
                : parseInputTypeOrStdin(typeNode, p, p.path() + ".type");
        boolean isStdin = typeNode.isString() && "stdin".equals(typeNode.value());
        Object dflt = null;
        YamlNode dfltNode = body.get("default");
        if (dfltNode != null && !dfltNode.isNull()) {
            dflt = dfltNode.toPlain();
            List<String> errors = new ArrayList<>();
            Object checked = JobInputs.check(type, dflt, p.path() + ".default", errors);
            if (!errors.isEmpty()) {
                throw CwlException.malformed("default does not match type " + type + ": "
                        + errors.get(0).substring(errors.get(0).indexOf(": ") + 2), p.path() + ".default",
                        dfltNode.line());
            }
            dflt = checked;
        }
        CommandLineBinding binding = null;
        YamlNode bindingNode = body.get("inputBinding");
        if (bindingNode != null && !bindingNode.isNull()) {
            if (isStdin) {
                throw CwlException.malformed("an input of type stdin must not have an inputBinding",
                        p.path() + ".inputBinding", bindingNode.line());
            }
            binding = parseBinding(bindingNode, p.path() + ".inputBinding", true, false);
        }
        boolean loadContents = optionalBoolean(body, "loadContents", p.path(), false)
                || (bindingNode != null && bindingNode.isMap()
                && optionalBoolean(bindingNode, "loadContents", p.path() + ".inputBinding", false));
        if (loadContents && !holdsFiles(type)) {
            YamlNode at = body.has("loadContents") ? body.get("loadContents") : bindingNode.get("loadContents");
            throw CwlException.malformed("loadContents needs an input of type File (or an array of File); '"
                    + p.id() + "' has type " + type, p.path() + ".loadContents", at.line());
        }
        String depth = loadListing(body, p.path());
        if (depth != null && !field) {
            tool.inputLoadListing.put(p.id(), depth);
        }
        return new InputParameter(p.id(), type, dflt, optionalString(body, "label", p.path() + ".label"),
                docText(body.get("doc"), p.path() + ".doc"), formats(body.get("format"), p.path() + ".format"),
                binding, loadContents, secondaryFiles(versioned(body.get("secondaryFiles"), p.path() + ".secondaryFiles"), p.path() + ".secondaryFiles", true,
                type));
    }

    private static final Set<String> LISTING_DEPTHS = Set.of("no_listing", "shallow_listing", "deep_listing");

    /** The {@code loadListing} field of a node, checked, or null when absent. */
    private static String loadListing(YamlNode node, String path) {
        String depth = optionalString(node, "loadListing", path + ".loadListing");
        if (depth != null && !LISTING_DEPTHS.contains(depth)) {
            throw CwlException.malformed("loadListing must be one of no_listing, shallow_listing, deep_listing, not '"
                    + depth + "'", path + ".loadListing", node.get("loadListing").line());
        }
        return depth;
    }

    /** Whether values of the type may be (or contain, as array elements) Files. */
    private static boolean holdsFiles(CwlType type) {
        return type.isFile() || "Any".equals(type.name()) || (type.isArray() && holdsFiles(type.items()));
    }

    private CwlType parseInputTypeOrStdin(YamlNode typeNode, Param p, String path) {
        if (typeNode.isString() && "stdin".equals(typeNode.value())) {
            if (tool.stdin != null) {
                throw CwlException.malformed("only one input may have type stdin", path, typeNode.line());
            }
            tool.stdin = "$(inputs['" + p.id().replace("\\", "\\\\").replace("'", "\\'") + "'].path)";
            return CwlType.of("File");
        }
        return parseType(typeNode, path, true);
    }

    // ---------------------------------------------------------------- outputs

    private List<OutputParameter> parseOutputs(YamlNode node) {
        List<OutputParameter> outputs = new ArrayList<>();
        for (Param p : parameterEntries(node, "outputs")) {
            outputs.add(parseOutput(p, false));
        }
        return outputs;
    }

    /** One output parameter, or (with {@code field}) one field of an output record type. */
    private OutputParameter parseOutput(Param p, boolean field) {
        tool.lines.put(p.path(), p.line());
        YamlNode body = p.body();
        YamlNode typeNode = p.shorthandType();
        if (body != null) {
            checkFields(body, field ? OUTPUT_FIELD_FIELDS : OUTPUT_FIELDS, field ? "record field" : "output parameter",
                    p.path());
            typeNode = required(body, "type", p.path());
        }
        String typePath = p.path() + ".type";
        String label = body == null ? null : optionalString(body, "label", p.path() + ".label");
        String doc = body == null ? null : docText(body.get("doc"), p.path() + ".doc");
        List<String> format = body == null ? List.of() : formats(body.get("format"), p.path() + ".format");
        YamlNode outputBinding = body == null ? null : body.get("outputBinding");
        if (outputBinding != null && outputBinding.isNull()) {
            outputBinding = null;
        }
        if (!field && typeNode.isString() && ("stdout".equals(typeNode.value()) || "stderr".equals(typeNode.value()))) {
            if (outputBinding != null) {
                throw CwlException.malformed("an output of type " + typeNode.value()
                        + " must not have an outputBinding", p.path() + ".outputBinding", outputBinding.line());
            }
            OutputParameter.StreamKind kind = "stdout".equals(typeNode.value())
                    ? OutputParameter.StreamKind.STDOUT : OutputParameter.StreamKind.STDERR;
            return new OutputParameter(p.id(), CwlType.of("File"), List.of(), label, doc, format, kind);
        }
        CwlType type = parseType(typeNode, typePath, false);
        List<String> globs = List.of();
        boolean loadContents = false;
        String outputEval = null;
        if (outputBinding != null) {
            String obPath = p.path() + ".outputBinding";
            if (!outputBinding.isMap()) {
                throw CwlException.malformed("outputBinding must be a mapping, not " + outputBinding.describe(),
                        obPath, outputBinding.line());
            }
            checkFields(outputBinding, OUTPUT_BINDING_FIELDS, "outputBinding", obPath);
            globs = parseGlobs(outputBinding.get("glob"), obPath + ".glob");
            loadContents = optionalBoolean(outputBinding, "loadContents", obPath, false);
            YamlNode eval = outputBinding.get("outputEval");
            if (eval != null && !eval.isNull()) {
                outputEval = scalarText(eval, obPath + ".outputEval", "outputEval");
                expressions.add(new PendingExpression(outputEval, obPath + ".outputEval", eval.line(), true,
                        true));
                tool.lines.put(obPath + ".outputEval", eval.line());
            }
            if (!globs.isEmpty() && outputEval == null && !type.isGlobbable()) {
                throw CwlException.malformed("output '" + p.id() + "' has type " + type + " and a glob without "
                        + "outputEval; a glob alone gives File or Directory values (optional or as arrays); "
                        + "add an outputEval such as $(self[0].contents) to turn the matches into " + type,
                        typePath, typeNode.line());
            }
        }
        return new OutputParameter(p.id(), type, globs, label, doc, format,
                OutputParameter.StreamKind.NONE, loadContents, outputEval,
                body == null ? List.of() : secondaryFiles(versioned(body.get("secondaryFiles"), p.path() + ".secondaryFiles"), p.path() + ".secondaryFiles",
                        false, type));
    }

    /**
     * The secondaryFiles node, refused when it uses the {@code {pattern, required}} form of CWL
     * v1.1 in a v1.0 document (v1.0 has patterns and expressions only).
     */
    private YamlNode versioned(YamlNode node, String path) {
        if (node != null && "v1.0".equals(tool.cwlVersion)) {
            List<YamlNode> items = node.isList() ? node.items() : List.of(node);
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).isMap()) {
                    throw CwlException.malformed("a secondaryFiles entry with 'pattern' and 'required' is CWL v1.1 "
                            + "or later, and this document says cwlVersion v1.0; give the pattern as a string",
                            node.isList() ? path + "[" + i + "]" : path, items.get(i).line());
                }
            }
        }
        return node;
    }

    /**
     * {@code secondaryFiles}: a pattern, a {pattern, required} mapping, or a list of these. A
     * pattern or {@code required} with parameter references or JavaScript is kept as an
     * expression, checked like the others and evaluated for each primary File
     * ({@link SecondaryFiles}).
     */
    private List<SecondaryFile> secondaryFiles(YamlNode node, String path, boolean input, CwlType type) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!holdsFiles(type)) {
            throw CwlException.malformed("secondaryFiles needs a parameter of type File (or an array of File), "
                    + "not " + type, path, node.line());
        }
        List<YamlNode> items = node.isList() ? node.items() : List.of(node);
        List<SecondaryFile> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            String at = node.isList() ? path + "[" + i + "]" : path;
            String pattern;
            boolean required = input;
            String requiredExpression = null;
            if (item.isMap()) {
                checkFields(item, Set.of("pattern", "required"), "secondaryFiles entry", at);
                pattern = scalarText(required(item, "pattern", at), at + ".pattern", "pattern");
                YamlNode req = item.get("required");
                if (req != null && req.isString() && ParameterReferences.mayContainReferences((String) req.value())) {
                    requiredExpression = (String) req.value();
                    expressions.add(new PendingExpression(requiredExpression, at + ".required", req.line(), true));
                    tool.lines.put(at + ".required", req.line());
                } else {
                    required = optionalBoolean(item, "required", at, input);
                }
            } else {
                pattern = scalarText(item, at, "secondaryFiles pattern");
            }
            tool.lines.put(at, item.line());
            if (ParameterReferences.mayContainReferences(pattern)) {
                // evaluated for each primary File, with self bound to it
                expressions.add(new PendingExpression(pattern, at, item.line(), true));
                out.add(new SecondaryFile(pattern, required, requiredExpression));
                continue;
            }
            if (pattern.endsWith("?")) {
                pattern = pattern.substring(0, pattern.length() - 1);
                required = false;
            }
            String rest = pattern.replaceFirst("^\\^+", "");
            if (rest.isEmpty() || rest.contains("/")) {
                throw CwlException.malformed("secondaryFiles pattern '" + pattern + "' must add a suffix and "
                        + "must not contain '/'", at, item.line());
            }
            out.add(new SecondaryFile(pattern, required, requiredExpression));
        }
        return out;
    }

    private List<String> parseGlobs(YamlNode glob, String path) {
        if (glob == null || glob.isNull()) {
            return List.of();
        }
        List<String> globs = new ArrayList<>();
        if (glob.isList()) {
            for (int i = 0; i < glob.items().size(); i++) {
                YamlNode item = glob.items().get(i);
                String p = path + "[" + i + "]";
                globs.add(scalarText(item, p, "glob pattern"));
                expressions.add(new PendingExpression(globs.get(i), p, item.line(), false));
                tool.lines.put(p, item.line());
            }
        } else {
            globs.add(scalarText(glob, path, "glob"));
            expressions.add(new PendingExpression(globs.get(0), path, glob.line(), false));
        }
        tool.lines.put(path, glob.line());
        return globs;
    }

    // ---------------------------------------------------------------- types

    private CwlType parseType(YamlNode node, String path, boolean input) {
        if (node.isString()) {
            return parseTypeName((String) node.value(), node, path, input);
        }
        if (node.isList()) {
            boolean nullable = false;
            List<YamlNode> others = new ArrayList<>();
            for (YamlNode item : node.items()) {
                if (item.isString() && "null".equals(item.value())) {
                    nullable = true;
                } else {
                    others.add(item);
                }
            }
            if (others.isEmpty()) {
                return CwlType.of("null");
            }
            CwlType type;
            if (others.size() > 1) {
                List<CwlType> alternatives = new ArrayList<>();
                for (int i = 0; i < others.size(); i++) {
                    CwlType alternative = parseType(others.get(i), path + "[" + i + "]", input);
                    if (alternative.isUnion() || alternative.optional()) {
                        throw CwlException.unsupported("a union alternative must not itself be a union or null; "
                                + "got " + alternative, path + "[" + i + "]", others.get(i).line());
                    }
                    alternatives.add(alternative);
                }
                type = CwlType.unionOf(alternatives);
            } else {
                type = parseType(others.get(0), path, input);
            }
            return nullable ? type.asOptional() : type;
        }
        if (node.isMap()) {
            YamlNode kind = node.get("type");
            if (kind == null || !kind.isString()) {
                throw CwlException.malformed("a type schema needs 'type' (array, record or enum)", path, node.line());
            }
            switch ((String) kind.value()) {
                case "array": {
                    checkFields(node, ARRAY_SCHEMA_FIELDS, "array schema", path);
                    YamlNode items = required(node, "items", path);
                    CwlType itemType = parseType(items, path + ".items", input);
                    CommandLineBinding itemBinding = null;
                    YamlNode b = node.get("inputBinding");
                    if (b != null && !b.isNull()) {
                        if (!input) {
                            throw CwlException.malformed("inputBinding is not allowed in an output type",
                                    path + ".inputBinding", b.line());
                        }
                        itemBinding = parseBinding(b, path + ".inputBinding", true, false);
                    }
                    return CwlType.arrayOf(itemType, itemBinding);
                }
                case "record":
                    return parseRecord(node, path, input);
                case "enum":
                    return parseEnum(node, path, input);
                case "map":
                    throw CwlException.unsupported("map types are not supported", path, node.line());
                default:
                    throw CwlException.malformed("unknown type schema '" + kind.value()
                            + "'; expected array, record or enum", path + ".type", kind.line());
            }
        }
        throw CwlException.malformed("a type must be a name, a list (union) or a mapping (schema), not "
                + node.describe(), path, node.line());
    }

    /**
     * A record schema: fields as a list of {name, type, ...} or a mapping name → type or
     * {type, ...}. A binding on the schema itself is refused (it belongs on the parameter).
     */
    private CwlType parseRecord(YamlNode node, String path, boolean input) {
        checkFields(node, RECORD_SCHEMA_FIELDS, "record schema", path);
        rejectSchemaBinding(node, path, "record");
        YamlNode fieldsNode = required(node, "fields", path);
        String fieldsPath = path + ".fields";
        List<Param> entries = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (fieldsNode.isList()) {
            for (int i = 0; i < fieldsNode.items().size(); i++) {
                YamlNode item = fieldsNode.items().get(i);
                String at = fieldsPath + "[" + i + "]";
                if (!item.isMap()) {
                    throw CwlException.malformed("each record field must be a mapping with 'name' and 'type', not "
                            + item.describe(), at, item.line());
                }
                YamlNode nameNode = item.get("name");
                if (nameNode == null || !nameNode.isScalar() || nameNode.value() == null) {
                    throw CwlException.malformed("missing 'name' in record field", at, item.line());
                }
                String name = fieldName(nameNode.text());
                if (!seen.add(name)) {
                    throw CwlException.malformed("duplicate record field '" + name + "'", at, item.line());
                }
                entries.add(new Param(name, item, null, fieldsPath + "." + name, item.line()));
            }
        } else if (fieldsNode.isMap()) {
            for (Map.Entry<String, YamlNode> e : fieldsNode.entries().entrySet()) {
                String name = fieldName(e.getKey());
                YamlNode value = e.getValue();
                String at = fieldsPath + "." + name;
                if (!seen.add(name)) {
                    throw CwlException.malformed("duplicate record field '" + name + "'", at, value.line());
                }
                boolean schema = value.isMap() && value.get("type") != null && value.get("type").isString()
                        && List.of("array", "record", "enum").contains((String) value.get("type").value())
                        && !value.has("inputBinding") && !value.has("outputBinding") && !value.has("name");
                if (value.isMap() && !schema) {
                    entries.add(new Param(name, value, null, at, value.line()));
                } else if (value.isString() || value.isList() || schema) {
                    entries.add(new Param(name, null, value, at, value.line()));
                } else {
                    throw CwlException.malformed("record field '" + name + "' must be a type or a mapping with "
                            + "'type', not " + value.describe(), at, value.line());
                }
            }
        } else {
            throw CwlException.malformed("'fields' must be a list or a mapping of fields, not "
                    + fieldsNode.describe(), fieldsPath, fieldsNode.line());
        }
        List<CwlType.Field> fields = new ArrayList<>();
        for (Param entry : entries) {
            if (input) {
                InputParameter field = parseInput(entry, true);
                fields.add(new CwlType.Field(entry.id(), field, null));
            } else {
                fields.add(new CwlType.Field(entry.id(), null, parseOutput(entry, true)));
            }
        }
        return CwlType.recordOf(fields);
    }

    private CwlType parseEnum(YamlNode node, String path, boolean input) {
        checkFields(node, ENUM_SCHEMA_FIELDS, "enum schema", path);
        rejectSchemaBinding(node, path, "enum");
        YamlNode symbolsNode = required(node, "symbols", path);
        if (!symbolsNode.isList() || symbolsNode.items().isEmpty()) {
            throw CwlException.malformed("'symbols' must be a non-empty list of strings, not "
                    + symbolsNode.describe(), path + ".symbols", symbolsNode.line());
        }
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < symbolsNode.items().size(); i++) {
            String symbol = fieldName(scalarText(symbolsNode.items().get(i), path + ".symbols[" + i + "]", "symbol"));
            if (symbols.contains(symbol)) {
                throw CwlException.malformed("duplicate enum symbol '" + symbol + "'", path + ".symbols[" + i + "]",
                        symbolsNode.items().get(i).line());
            }
            symbols.add(symbol);
        }
        return CwlType.enumOf(symbols);
    }

    private static void rejectSchemaBinding(YamlNode node, String path, String kind) {
        YamlNode b = node.get("inputBinding");
        if (b != null && !b.isNull()) {
            throw CwlException.unsupported("an inputBinding on the " + kind + " schema itself is not supported; put "
                    + "it on the input parameter", path + ".inputBinding", b.line());
        }
    }

    /** A field name or enum symbol without the document prefix ({@code #rec/field} → {@code field}). */
    private static String fieldName(String raw) {
        String s = raw;
        int cut = Math.max(s.lastIndexOf('#'), s.lastIndexOf('/'));
        return cut >= 0 && cut < s.length() - 1 ? s.substring(cut + 1) : s;
    }

    private CwlType parseTypeName(String raw, YamlNode node, String path, boolean input) {
        String name = raw;
        boolean optional = false;
        if (name.endsWith("?")) {
            optional = true;
            name = name.substring(0, name.length() - 1);
        }
        CwlType type;
        if (name.endsWith("[]")) {
            type = CwlType.arrayOf(parseTypeName(name.substring(0, name.length() - 2), node, path, input));
        } else if (TYPE_NAMES.contains(name)) {
            type = CwlType.of(name);
        } else if ("stdin".equals(name) || "stdout".equals(name) || "stderr".equals(name)) {
            throw CwlException.malformed("type " + name + " is only allowed as the whole type of "
                    + ("stdin".equals(name) ? "an input" : "an output"), path, node.line());
        } else if ("array".equals(name) || "record".equals(name) || "enum".equals(name)) {
            throw CwlException.malformed("type '" + name + "' needs a schema: write {type: " + name + ", ...}"
                    + ("array".equals(name) ? " with 'items', or X[]" : ""), path, node.line());
        } else if (schemaTypes.containsKey(shortTypeName(name))) {
            String key = shortTypeName(name);
            if (!expanding.add(key)) {
                throw CwlException.unsupported("type '" + raw + "' contains itself; recursive types are not supported",
                        path, node.line());
            }
            try {
                type = parseType(schemaTypes.get(key), path, input);
            } finally {
                expanding.remove(key);
            }
        } else if (name.contains("#") || name.contains("/") || name.contains(":")) {
            throw CwlException.unsupported("type reference '" + raw + "' needs SchemaDefRequirement or an external "
                    + "schema, which are not supported", path, node.line());
        } else {
            throw CwlException.malformed("unknown type '" + raw + "'; known types: " + String.join(", ", TYPE_NAMES)
                    + " (with ? for optional and [] for arrays)", path, node.line());
        }
        return optional ? type.asOptional() : type;
    }

    // ---------------------------------------------------------------- command line

    private List<String> parseBaseCommand(YamlNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isScalar()) {
            return List.of(scalarText(node, "baseCommand", "baseCommand"));
        }
        if (node.isList()) {
            List<String> command = new ArrayList<>();
            for (int i = 0; i < node.items().size(); i++) {
                command.add(scalarText(node.items().get(i), "baseCommand[" + i + "]", "baseCommand element"));
            }
            return command;
        }
        throw CwlException.malformed("'baseCommand' must be a string or a list of strings, not " + node.describe(),
                "baseCommand", node.line());
    }

    private List<CommandLineBinding> parseArguments(YamlNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isList()) {
            throw CwlException.malformed("'arguments' must be a list of strings or bindings, not " + node.describe(),
                    "arguments", node.line());
        }
        List<CommandLineBinding> arguments = new ArrayList<>();
        for (int i = 0; i < node.items().size(); i++) {
            YamlNode item = node.items().get(i);
            String path = "arguments[" + i + "]";
            tool.lines.put(path, item.line());
            if (item.isMap()) {
                arguments.add(parseBinding(item, path, false, true));
            } else {
                String text = scalarText(item, path, "argument");
                expressions.add(new PendingExpression(text, path, item.line(), false));
                arguments.add(CommandLineBinding.ofValue(text));
            }
        }
        return arguments;
    }

    private CommandLineBinding parseBinding(YamlNode node, String path, boolean selfBound, boolean argument) {
        if (!node.isMap()) {
            throw CwlException.malformed((argument ? "an argument" : "inputBinding")
                    + " must be a mapping, not " + node.describe(), path, node.line());
        }
        checkFields(node, BINDING_FIELDS, argument ? "argument binding" : "inputBinding", path);
        if (argument) {
            rejectPresent(node, "loadContents", path, "loadContents in an argument");
        }
        Integer position = null;
        String positionExpression = null;
        YamlNode pos = node.get("position");
        if (pos != null && !pos.isNull()) {
            if (pos.isString() && ParameterReferences.mayContainReferences((String) pos.value())) {
                positionExpression = (String) pos.value();
                expressions.add(new PendingExpression(positionExpression, path + ".position", pos.line(), selfBound));
                tool.lines.put(path + ".position", pos.line());
            } else if (!(pos.value() instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw CwlException.malformed("'position' must be an integer, not " + pos.describe(),
                        path + ".position", pos.line());
            } else {
                position = l.intValue();
            }
        }
        String prefix = node.has("prefix") && !node.get("prefix").isNull()
                ? scalarText(node.get("prefix"), path + ".prefix", "prefix") : null;
        boolean separate = optionalBoolean(node, "separate", path, true);
        boolean shellQuote = optionalBoolean(node, "shellQuote", path, true);
        String itemSeparator = optionalString(node, "itemSeparator", path + ".itemSeparator");
        String valueFrom = null;
        YamlNode vf = node.get("valueFrom");
        if (vf != null && !vf.isNull()) {
            valueFrom = scalarText(vf, path + ".valueFrom", "valueFrom");
            expressions.add(new PendingExpression(valueFrom, path + ".valueFrom", vf.line(), selfBound));
            tool.lines.put(path + ".valueFrom", vf.line());
        } else if (argument) {
            throw CwlException.malformed("an argument binding needs 'valueFrom'", path, node.line());
        }
        tool.lines.put(path, node.line());
        return new CommandLineBinding(position, prefix, separate, itemSeparator, valueFrom, shellQuote,
                positionExpression);
    }

    // ---------------------------------------------------------------- references

    private void checkExpressions() {
        List<String> inputIds = tool.inputs.stream().map(InputParameter::id).toList();
        for (PendingExpression e : expressions) {
            ParameterReferences.Template template;
            try {
                template = ParameterReferences.parse(e.text(), e.path(), e.line());
            } catch (CwlException needsJavaScript) {
                if (tool.expressionLib == null || needsJavaScript.kind() != CwlException.Kind.UNSUPPORTED) {
                    throw needsJavaScript;
                }
                continue; // JavaScript: checked when it runs
            }
            for (ParameterReferences.Reference ref : template.references()) {
                List<Object> segments = ref.segments();
                Object first = segments.isEmpty() ? null : segments.get(0);
                switch (ref.root()) {
                    case "inputs" -> {
                        if (first instanceof String name && !inputIds.contains(name)) {
                            throw CwlException.malformed(ref.source() + " refers to no input: there is no input '"
                                    + name + "'; inputs are: " + (inputIds.isEmpty() ? "(none)"
                                    : String.join(", ", inputIds)), e.path(), e.line());
                        }
                    }
                    case "runtime" -> {
                        if ("exitCode".equals(first) && !e.afterRun()) {
                            throw CwlException.malformed(ref.source() + ": runtime.exitCode is known only after the "
                                    + "tool ran, in outputBinding.outputEval", e.path(), e.line());
                        }
                        if (first instanceof String name && !RUNTIME_FIELDS.contains(name) && !"exitCode".equals(name)) {
                            throw CwlException.malformed(ref.source() + " refers to an unknown runtime field '" + name
                                    + "'; available here: " + String.join(", ", RUNTIME_FIELDS), e.path(), e.line());
                        }
                    }
                    case "self" -> {
                        if (!e.selfBound() && first != null) {
                            throw CwlException.malformed(ref.source() + ": self is null here (it is bound only in "
                                    + "an input's inputBinding.valueFrom)", e.path(), e.line());
                        }
                    }
                    case "null" -> {
                        if (first != null) {
                            throw CwlException.malformed(ref.source() + ": null has no fields", e.path(), e.line());
                        }
                    }
                    default -> {
                        if (tool.expressionLib == null) {
                            throw CwlException.malformed(ref.source() + " uses unknown name '" + ref.root()
                                    + "'; parameter references start with inputs, self or runtime", e.path(),
                                    e.line());
                        }
                        // with JavaScript, $(true) or $(Math.PI) are expressions like any other
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean isExtension(String key) {
        return key.contains(":");
    }

    private static void checkFields(YamlNode node, Set<String> known, String what, String path) {
        if (!node.isMap()) {
            if (node.isNull()) {
                return;
            }
            throw CwlException.malformed(what + " must be a mapping, not " + node.describe(), path, node.line());
        }
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            if (!known.contains(e.getKey()) && !isExtension(e.getKey())) {
                throw CwlException.malformed("unknown field '" + e.getKey() + "' in " + what + "; known fields: "
                        + String.join(", ", new TreeSet<>(known)), join(path, e.getKey()), e.getValue().line());
            }
        }
    }

    private static void rejectPresent(YamlNode node, String field, String path, String feature) {
        YamlNode v = node.get(field);
        if (v != null && !v.isNull() && !Boolean.FALSE.equals(v.value())) {
            throw CwlException.unsupported(feature + " is not supported", join(path, field), v.line());
        }
    }

    private static YamlNode required(YamlNode node, String field, String path) {
        YamlNode v = node.get(field);
        if (v == null) {
            throw CwlException.malformed("missing required field '" + field + "'", path, node.line());
        }
        return v;
    }

    private static String optionalString(YamlNode node, String field, String path) {
        YamlNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw CwlException.malformed("'" + field + "' must be a string, not " + v.describe(), path, v.line());
        }
        return (String) v.value();
    }

    /** A true/false field; expressions in it are refused as unsupported. Null when absent. */
    private static Boolean literalBoolean(YamlNode node, String field, String path) {
        YamlNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString() && ParameterReferences.mayContainReferences((String) v.value())) {
            throw CwlException.unsupported("an expression as '" + field + "' is not supported yet; give true or false",
                    join(path, field), v.line());
        }
        return optionalBoolean(node, field, path, false);
    }

    private static boolean optionalBoolean(YamlNode node, String field, String path, boolean dflt) {
        YamlNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!(v.value() instanceof Boolean b)) {
            throw CwlException.malformed("'" + field + "' must be true or false, not " + v.describe(),
                    join(path, field), v.line());
        }
        return b;
    }

    /** A scalar as written (numbers and booleans keep their spelling); lists, mappings and null are errors. */
    private static String scalarText(YamlNode node, String path, String what) {
        if (!node.isScalar() || node.value() == null) {
            throw CwlException.malformed(what + " must be a string, not " + node.describe(), path, node.line());
        }
        return node.value() instanceof String s ? s : node.text();
    }

    private static String docText(YamlNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            return (String) node.value();
        }
        if (node.isList()) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < node.items().size(); i++) {
                lines.add(scalarText(node.items().get(i), path + "[" + i + "]", "doc line"));
            }
            return String.join("\n", lines);
        }
        throw CwlException.malformed("'doc' must be a string or a list of strings, not " + node.describe(), path,
                node.line());
    }

    /**
     * Declared formats, with namespace prefixes expanded; a format holding parameter references
     * (such as {@code $(inputs.input.format)}) is kept raw and evaluated when outputs are collected.
     */
    private List<String> formats(YamlNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<YamlNode> items = node.isList() ? node.items() : List.of(node);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = node.isList() ? path + "[" + i + "]" : path;
            String text = scalarText(items.get(i), at, "format");
            if (ParameterReferences.mayContainReferences(text)) {
                expressions.add(new PendingExpression(text, at, items.get(i).line(), false));
                tool.lines.put(at, items.get(i).line());
                out.add(text);
            } else {
                out.add(expand(text));
            }
        }
        return out;
    }

    private String expand(String format) {
        int colon = format.indexOf(':');
        if (colon > 0 && tool.namespaces.containsKey(format.substring(0, colon))) {
            return tool.namespaces.get(format.substring(0, colon)) + format.substring(colon + 1);
        }
        return format;
    }

    private static Set<Integer> intSet(YamlNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isList()) {
            throw CwlException.malformed("'" + path + "' must be a list of integers, not " + node.describe(), path,
                    node.line());
        }
        Set<Integer> codes = new LinkedHashSet<>();
        for (int i = 0; i < node.items().size(); i++) {
            YamlNode item = node.items().get(i);
            if (!(item.value() instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw CwlException.malformed("exit codes must be integers, not " + item.describe(),
                        path + "[" + i + "]", item.line());
            }
            codes.add(l.intValue());
        }
        return codes;
    }

    private static Set<Integer> orEmpty(Set<Integer> set) {
        return set == null ? Set.of() : set;
    }

    static String stripId(String id) {
        if (id == null) {
            return null;
        }
        String s = id;
        int hash = s.lastIndexOf('#');
        if (hash >= 0) {
            s = s.substring(hash + 1);
        }
        int slash = s.lastIndexOf('/');
        if (slash >= 0 && slash < s.length() - 1 && hash >= 0) {
            s = s.substring(slash + 1);
        }
        return s;
    }

    private static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
