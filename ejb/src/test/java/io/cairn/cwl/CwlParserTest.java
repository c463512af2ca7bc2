package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.conformance;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CwlParserTest {

    private static CwlException fails(String cwl) {
        return assertThrows(CwlException.class, () -> CwlParser.parseTool(cwl));
    }

    // ------------------------------------------------------------ conformance documents

    @Test
    void bwaMemToolParsesCompletely() {
        CommandLineTool t = conformance("bwa-mem-tool.cwl");
        assertEquals("v1.2", t.cwlVersion());
        assertEquals(List.of("python"), t.baseCommand());
        assertEquals(List.of("reference", "reads", "minimum_seed_length", "min_std_max_min", "args.py"),
                t.inputs().stream().map(InputParameter::id).toList());
        InputParameter reads = t.input("reads").orElseThrow();
        assertEquals("File[]", reads.type().toString());
        assertEquals(3, reads.binding().position());
        InputParameter mins = t.input("min_std_max_min").orElseThrow();
        assertEquals(new CommandLineBinding(1, "-I", true, ",", null), mins.binding());
        InputParameter args = t.input("args.py").orElseThrow();
        assertEquals(Map.of("class", "File", "location", "args.py"), args.defaultValue());
        assertEquals(-1, args.binding().position());
        assertEquals(List.of(CommandLineBinding.ofValue("bwa"), CommandLineBinding.ofValue("mem"),
                new CommandLineBinding(1, "-t", true, null, "$(runtime.cores)")), t.arguments());
        OutputParameter sam = t.output("sam").orElseThrow();
        assertEquals("File?", sam.type().toString());
        assertEquals(List.of("output.sam"), sam.globs());
        assertEquals("string[]", t.output("args").orElseThrow().type().toString());
        assertTrue(t.output("args").orElseThrow().globs().isEmpty());
        assertEquals("output.sam", t.stdout());
        assertEquals("docker.io/python:3-slim", t.docker().orElseThrow().dockerPull());
        assertFalse(t.dockerRequired());
        assertEquals(2.0, t.resources().orElseThrow().coresMin());
        assertEquals(2, t.resources().orElseThrow().minCores());
        assertEquals(Set.of(0), t.successCodes());
    }

    @Test
    void bindingTestStripsHashFromIdAndKeepsItemBinding() {
        CommandLineTool t = conformance("binding-test.cwl");
        assertTrue(t.input("args.py").isPresent());
        CwlType reads = t.input("reads").orElseThrow().type();
        assertEquals(new CommandLineBinding(null, "-YYY", true, null, null), reads.itemBinding());
        assertEquals(new CommandLineBinding(3, "-XXX", true, null, null), t.input("reads").orElseThrow().binding());
        assertEquals("string[]", t.output("args").orElseThrow().type().toString());
    }

    @Test
    void jsonDocumentCat1Testcli() {
        CommandLineTool t = conformance("cat1-testcli.cwl");
        assertEquals("boolean?", t.input("numbering").orElseThrow().type().toString());
        assertEquals("-n", t.input("numbering").orElseThrow().binding().prefix());
        assertEquals(0, t.input("numbering").orElseThrow().binding().position());
        assertEquals("Print the contents of a file to stdout using 'cat' running in a docker container.", t.doc());
        assertEquals(List.of(CommandLineBinding.ofValue("cat")), t.arguments());
    }

    @Test
    void wcToolShorthandInputsAndStdin() {
        CommandLineTool t = conformance("wc-tool.cwl");
        assertEquals(List.of("sed", "-n", "$="), t.baseCommand());
        assertEquals("File", t.input("file1").orElseThrow().type().toString());
        assertNull(t.input("file1").orElseThrow().binding());
        assertEquals("$(inputs.file1.path)", t.stdin());
        assertEquals("output", t.stdout());
    }

    @Test
    void stdinTypedInputBecomesStdinField() {
        CommandLineTool t = conformance("cat-tool-shortcut.cwl");
        assertEquals("File", t.input("file1").orElseThrow().type().name());
        assertEquals("$(inputs['file1'].path)", t.stdin());
        assertTrue(t.dockerRequired());
        assertEquals("docker.io/debian:stable-slim", t.docker().orElseThrow().image());
    }

    @Test
    void stdoutShortcutOutputs() {
        CommandLineTool shortcut = conformance("cat3-tool-shortcut.cwl");
        OutputParameter out = shortcut.output("output_file").orElseThrow();
        assertEquals(OutputParameter.StreamKind.STDOUT, out.streamKind());
        assertEquals("File", out.type().toString());
        assertNull(shortcut.stdout());
        assertEquals("cat-out", conformance("cat3-tool-mediumcut.cwl").stdout());
        CommandLineTool cat3 = conformance("cat3-tool.cwl");
        assertEquals("Input File", cat3.input("file1").orElseThrow().label());
        assertEquals("The file that will be copied using 'cat'", cat3.input("file1").orElseThrow().doc());
    }

    @Test
    void envVarRequirementAndHint() {
        assertEquals(Map.of("TEST_ENV", "$(inputs.in)"), conformance("env-tool1.cwl").envDef());
        assertEquals(Map.of("TEST_ENV", "$(inputs.in)"), conformance("env-tool2.cwl").envDef());
    }

    @Test
    void moreConformanceToolsWithinTheSubset() {
        assertEquals(Set.of(1), conformance("exit-success.cwl").successCodes());
        assertEquals(Set.of(42), conformance("exit-success.cwl").temporaryFailCodes());
        assertEquals(Set.of(0), conformance("exit-success.cwl").permanentFailCodes());
        assertEquals("/other", conformance("docker-output-dir.cwl").docker().orElseThrow().dockerOutputDirectory());
        assertEquals("string[][]", conformance("nested-array.cwl").input("letters").orElseThrow().type().toString());
        assertEquals(List.of("/etc/passwd"), conformance("glob-path-error.cwl").output("OUTPUT").orElseThrow().globs());
        assertEquals("Any?", conformance("paramref_arguments_self.cwl").output("self").orElseThrow().type().toString());
        for (String name : List.of("empty-array-input.cwl", "bool-empty-inputbinding.cwl", "valueFrom-constant.cwl",
                "default_path.cwl", "nameroot.cwl", "floats_small_and_large_nojs.cwl", "revtool.cwl", "sorttool.cwl")) {
            assertEquals("v1.", conformance(name).cwlVersion().substring(0, 3), name);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "params.cwl|UNSUPPORTED|outputs.$import|$import is not supported",
        "count-lines1-wf.cwl|UNSUPPORTED|class|class Workflow is not supported yet",
    })
    void conformanceToolsOutsideTheSubsetAreUnsupported(String file, String kind, String path, String reason) {
        CwlException e = assertThrows(CwlException.class, () -> conformance(file));
        assertEquals(CwlException.Kind.valueOf(kind), e.kind(), e.getMessage());
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.reason().startsWith(reason), e.getMessage());
        assertTrue(e.line() != null && e.line() > 0, e.getMessage());
    }

    @Test
    void unsupportedRequirementMessageNamesWhatIsSupported() {
        CwlException e = fails(tool("requirements:", "  - class: SoftwareRequirement", "inputs: []",
                "outputs: []"));
        assertEquals("unsupported requirement 'SoftwareRequirement'; supported: EnvVarRequirement, "
                + "DockerRequirement, ResourceRequirement, ShellCommandRequirement, InlineJavascriptRequirement, "
                + "InitialWorkDirRequirement, SchemaDefRequirement, LoadListingRequirement, WorkReuse, NetworkAccess, "
                + "ToolTimeLimit, InplaceUpdateRequirement (at requirements[0], line 4)",
                e.getMessage());
        assertEquals(4, e.line());
    }

    @Test
    void workReuseNetworkAccessAndTimeLimitAreRead() {
        CommandLineTool plain = CwlParser.parseTool(tool("inputs: []", "outputs: []"));
        assertTrue(plain.workReuse());
        assertFalse(plain.networkAccess());
        assertEquals(0, plain.timeLimitSeconds());

        CommandLineTool t = CwlParser.parseTool(tool("requirements:", "  NetworkAccess: {networkAccess: true}",
                "  ToolTimeLimit: {timelimit: 30}", "hints:", "  WorkReuse: {enableReuse: false}",
                "  ToolTimeLimit: {timelimit: 5}", "inputs: []", "outputs: []"));
        assertFalse(t.workReuse());
        assertTrue(t.networkAccess());
        assertEquals(30, t.timeLimitSeconds(), "a requirement wins over a hint");
    }

    @Test
    void badTimeLimitsAndExpressionsAreNamed() {
        CwlException negative = fails(tool("requirements:", "  ToolTimeLimit: {timelimit: -1}", "inputs: []",
                "outputs: []"));
        assertEquals("requirements.ToolTimeLimit.timelimit", negative.path(), negative.getMessage());
        CwlException expression = fails(tool("hints:", "  WorkReuse: {enableReuse: $(inputs.x)}", "inputs: []",
                "outputs: []"));
        assertEquals(CwlException.Kind.UNSUPPORTED, expression.kind(), expression.getMessage());
    }

    @Test
    void unknownHintsAreIgnoredButSupportedHintsParsed() {
        CommandLineTool t = CwlParser.parseTool(tool("hints:", "  ShellCommandRequirement: {}",
                "  cwltool:Foo: {x: 1}", "  ResourceRequirement: {ramMin: 1000.5, coresMax: 4}",
                "inputs: []", "outputs: []", "baseCommand: true"));
        assertEquals(List.of("ShellCommandRequirement", "cwltool:Foo"), t.ignoredHints());
        ResourceRequirement r = t.resources().orElseThrow();
        assertEquals(1001, r.minRamMiB());
        assertEquals(4, r.minCores());
        assertEquals(1024, r.minTmpdirMiB());
        CwlException bad = fails(tool("hints:", "  DockerRequirement: {dockerPull: [a]}", "inputs: []",
                "outputs: []"));
        assertEquals(CwlException.Kind.MALFORMED, bad.kind());
        assertEquals("hints.DockerRequirement.dockerPull", bad.path());
    }

    @Test
    void anImageToBuildOrLoadIsRefusedAsARequirementAndIgnoredAsAHint() {
        CwlException refused = fails(tool("requirements:", "  DockerRequirement: {dockerFile: 'FROM debian'}",
                "inputs: []", "outputs: []", "baseCommand: [true]"));
        assertEquals(CwlException.Kind.UNSUPPORTED, refused.kind());
        assertTrue(refused.getMessage().contains("dockerImageId"), refused::getMessage);
        assertEquals("requirements.DockerRequirement", refused.path());
        CommandLineTool hinted = CwlParser.parseTool(tool("hints:", "  DockerRequirement: {dockerLoad: 'img.tar'}",
                "inputs: []", "outputs: []", "baseCommand: [true]"));
        assertTrue(hinted.docker().isEmpty(), "a hint with no image to name runs without one");
        assertFalse(hinted.dockerRequired());
    }

    @Test
    void requirementOverridesHint() {
        CommandLineTool t = CwlParser.parseTool(tool("requirements:",
                "  DockerRequirement: {dockerPull: 'req:1'}",
                "  EnvVarRequirement: {envDef: [{envName: A, envValue: req}]}",
                "hints:", "  DockerRequirement: {dockerPull: 'hint:1'}",
                "  EnvVarRequirement: {envDef: {A: hint, B: $(runtime.tmpdir)}}",
                "inputs: {}", "outputs: {}", "baseCommand: [true]"));
        assertEquals("req:1", t.docker().orElseThrow().dockerPull());
        assertTrue(t.dockerRequired());
        assertEquals(Map.of("A", "req", "B", "$(runtime.tmpdir)"), t.envDef());
    }

    @Test
    void listAndMapFormsAndTypeShorthands() {
        CommandLineTool t = CwlParser.parseTool(tool(
                "inputs:",
                "  a: string",
                "  b: int?",
                "  c: File[]",
                "  d: [\"null\", long]",
                "  e: {type: {type: array, items: [\"null\", double]}}",
                "  f: {type: \"float[]?\", default: [1, 2.5]}",
                "  '#g': Any",
                "  h: {type: boolean, label: Flag, doc: [one, two], format: edam:format_1930}",
                "outputs:",
                "  - id: '#o'",
                "    type: File[]",
                "    outputBinding: {glob: ['*.txt', '$(inputs.a).log']}",
                "  - {id: s, type: stderr}",
                "baseCommand: echo"));
        assertEquals(List.of("string", "int?", "File[]", "long?", "double?[]", "float[]?", "Any", "boolean"),
                t.inputs().stream().map(p -> p.type().toString()).toList());
        assertEquals(List.of(1L, 2.5), t.input("f").orElseThrow().defaultValue());
        assertEquals("one\ntwo", t.input("h").orElseThrow().doc());
        assertEquals("Flag", t.input("h").orElseThrow().label());
        assertEquals(List.of("edam:format_1930"), t.input("h").orElseThrow().format());
        assertTrue(t.input("g").isPresent());
        assertEquals(List.of("*.txt", "$(inputs.a).log"), t.output("o").orElseThrow().globs());
        assertEquals(OutputParameter.StreamKind.STDERR, t.output("s").orElseThrow().streamKind());
        assertEquals(List.of("echo"), t.baseCommand());
    }

    @Test
    void yaml12ScalarsKeepStringsAsStrings() {
        CommandLineTool t = CwlParser.parseTool(tool("inputs:",
                "  a: {type: string, default: yes}",
                "  b: {type: string, default: '0777'}",
                "  c: {type: double, default: 1e5}",
                "  d: {type: long, default: 4147483647}",
                "outputs: []"));
        assertEquals("yes", t.input("a").orElseThrow().defaultValue());
        assertEquals("0777", t.input("b").orElseThrow().defaultValue());
        assertEquals(100000.0, t.input("c").orElseThrow().defaultValue());
        assertEquals(4147483647L, t.input("d").orElseThrow().defaultValue());
    }

    // ------------------------------------------------------------ malformed documents

    @Test
    void malformedYamlReportsLine() {
        CwlException e = fails("cwlVersion: v1.2\nclass: CommandLineTool\ninputs:\n  a: [string\noutputs: []\n");
        assertEquals(CwlException.Kind.MALFORMED, e.kind());
        assertTrue(e.reason().startsWith("not valid YAML/JSON"), e.getMessage());
        assertTrue(e.line() >= 4 && e.line() <= 5, "line " + e.line());
        CwlException json = fails("{\"class\": \"CommandLineTool\",\n \"cwlVersion\": \"v1.2\"\n \"inputs\": []}");
        assertEquals(3, json.line());
    }

    @Test
    void tabIndentationIsMalformedWithLine() {
        CwlException e = fails("cwlVersion: v1.2\nclass: CommandLineTool\ninputs:\n\tx: string\n");
        assertEquals(CwlException.Kind.MALFORMED, e.kind());
        assertEquals(4, e.line());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "inputs: 5|inputs|3|'inputs' must be a list or a mapping of parameters, not the number 5",
        "inputs: {a: strin}|inputs.a.type|3|unknown type 'strin'",
        "inputs: {a: {type: array}}|inputs.a.type|3|type 'array' needs a schema",
        "inputs: {a: {type: {type: array}}}|inputs.a.type|3|missing required field 'items'",
        "inputs: [{type: string}]|inputs[0]|3|missing 'id' in inputs entry",
        "inputs: [{id: a}]|inputs.a|3|missing required field 'type'",
        "inputs: {a: {type: int, default: abc}}|inputs.a.default|3|default does not match type int: expected int, got string \"abc\"",
        "inputs: {a: {type: int, inputBinding: {position: first}}}|inputs.a.inputBinding.position|3|'position' must be an integer",
        "inputs: {a: {type: int, inputBinding: {separate: maybe}}}|inputs.a.inputBinding.separate|3|'separate' must be true or false",
        "inputs: {a: {type: int, inputBindng: {}}}|inputs.a.inputBindng|3|unknown field 'inputBindng' in input parameter",
        "baseCommand: {a: 1}|baseCommand|3|'baseCommand' must be a string or a list of strings, not a mapping",
        "arguments: [{prefix: -x}]|arguments[0]|3|an argument binding needs 'valueFrom'",
        "successCodes: [ok]|successCodes[0]|3|exit codes must be integers",
        "baseComand: echo|baseComand|3|unknown field 'baseComand' in CommandLineTool",
        "arguments: ['$(inputs.nope)']|arguments[0]|3|$(inputs.nope) refers to no input: there is no input 'nope'",
        "arguments: ['$(runtime.exitCode)']|arguments[0]|3|$(runtime.exitCode): runtime.exitCode is known only after",
        "arguments: ['$(self.x)']|arguments[0]|3|$(self.x): self is null here",
        "arguments: ['$(foo)']|arguments[0]|3|$(foo) uses unknown name 'foo'",
        "stdout: [a]|stdout|3|'stdout' must be a string",
    })
    void wrongShapesAreMalformedWithPathAndLine(String body, String path, int line, String reason) {
        String cwl = tool(body, body.startsWith("inputs") ? "" : "inputs: []",
                body.startsWith("outputs") ? "" : "outputs: []");
        CwlException e = fails(cwl);
        assertEquals(CwlException.Kind.MALFORMED, e.kind(), e.getMessage());
        assertEquals(path, e.path(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.reason().startsWith(reason), e.getMessage());
    }

    @Test
    void lineIsThatOfTheOffendingKeyDeepInTheDocument() {
        CwlException e = fails(tool(
                "inputs:",
                "  - id: reads",
                "    label: Reads",
                "    type:",
                "      type: array",
                "      items: Fiel",
                "outputs: []"));
        assertEquals("inputs.reads.type.items", e.path());
        assertEquals(8, e.line());
        assertEquals("unknown type 'Fiel'; known types: null, boolean, int, long, float, double, string, File, Directory, "
                + "Any (with ? for optional and [] for arrays) (at inputs.reads.type.items, line 8)", e.getMessage());
    }

    @Test
    void classAndVersionChecks() {
        CwlException noClass = fails("cwlVersion: v1.2\ninputs: []\noutputs: []\n");
        assertEquals(CwlException.Kind.MALFORMED, noClass.kind());
        assertTrue(noClass.reason().startsWith("missing 'class'"));
        CwlException expr = fails("cwlVersion: v1.2\nclass: ExpressionTool\n");
        assertEquals(CwlException.Kind.UNSUPPORTED, expr.kind());
        assertTrue(expr.reason().contains("arrive with workflow support"), expr.getMessage());
        assertEquals(2, expr.line());
        CwlException version = fails("cwlVersion: draft-3\nclass: CommandLineTool\ninputs: []\noutputs: []\n");
        assertEquals(CwlException.Kind.MALFORMED, version.kind());
        assertEquals("cwlVersion", version.path());
        assertEquals(1, version.line());
        assertTrue(version.reason().contains("expected v1.2"));
        for (String v : List.of("v1.0", "v1.1")) {
            assertEquals(v, CwlParser.parseTool("cwlVersion: " + v + "\nclass: CommandLineTool\ninputs: []\n"
                    + "outputs: []\n").cwlVersion());
        }
        CwlException other = fails("cwlVersion: v1.2\nclass: Tool\n");
        assertEquals(CwlException.Kind.MALFORMED, other.kind());
        CwlException list = fails("- a\n- b\n");
        assertEquals(CwlException.Kind.MALFORMED, list.kind());
        assertEquals(CwlException.Kind.MALFORMED, fails("  ").kind());
        assertEquals(CwlException.Kind.UNSUPPORTED, fails("cwlVersion: v1.2\n$graph: []\n").kind());
    }

    @Test
    void dockerOutputDirectoryCountsUnderRequirementsOnly() {
        assertEquals(Optional.of("/other"), conformance("docker-output-dir.cwl").containerOutdir());
        assertEquals(Optional.of("/output"), conformance("iwd/iwd-container-entryname1.cwl").containerOutdir());
        // a hint: the output folder keeps its own path
        assertEquals(Optional.empty(), conformance("iwd/iwd-container-entryname3.cwl").containerOutdir());
        assertEquals(Optional.of("/a/b"), CwlParser.parseTool(tool("requirements:",
                "  DockerRequirement: {dockerPull: 'debian:stable-slim', dockerOutputDirectory: /a/./b/}",
                "inputs: []", "outputs: []")).containerOutdir());
        for (String bad : List.of("relative/out", "/", "/..", "''")) {
            CwlException e = fails(tool("requirements:",
                    "  DockerRequirement: {dockerPull: 'debian:stable-slim', dockerOutputDirectory: " + bad + "}",
                    "inputs: []", "outputs: []"));
            assertEquals(CwlException.Kind.INVALID, e.kind(), bad);
            assertTrue(e.reason().contains("dockerOutputDirectory must be an absolute path"), e.reason());
        }
    }

    @Test
    void duplicateKeysAreMalformed() {
        CwlException e = fails(tool("inputs: []", "outputs: []", "inputs: []"));
        assertEquals(CwlException.Kind.MALFORMED, e.kind());
        assertEquals(5, e.line());
        assertTrue(e.reason().contains("duplicate key 'inputs'"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "inputs: {d: [int, [string, File]]}|inputs.d.type[1]|a union alternative must not itself be a union",
        "inputs: {d: '#Stage'}|inputs.d.type|type reference '#Stage'",
        "arguments: ['${return 1;}']|arguments[0]|JavaScript code ${return 1;} is not supported",
        "arguments: [{valueFrom: '$(1 + 2)'}]|arguments[0].valueFrom|JavaScript expression $(1 + 2) is not supported",
        "requirements: {cwltool:MPIRequirement: {}}|requirements.cwltool:MPIRequirement|unsupported requirement 'cwltool:MPIRequirement'",
    })
    void featuresOutsideTheSubsetAreUnsupported(String body, String path, String reason) {
        CwlException e = fails(tool(body, body.startsWith("inputs") ? "" : "inputs: []", "outputs: []"));
        assertEquals(CwlException.Kind.UNSUPPORTED, e.kind(), e.getMessage());
        assertEquals(path, e.path(), e.getMessage());
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.reason().startsWith(reason), e.getMessage());
    }

    @Test
    void globOnNonFileOutputWithoutOutputEvalAndStdoutWithBindingAreMalformed() {
        CwlException glob = fails(tool("inputs: []", "outputs:", "  n:", "    type: int",
                "    outputBinding: {glob: n.txt}"));
        assertEquals(CwlException.Kind.MALFORMED, glob.kind());
        assertEquals("outputs.n.type", glob.path());
        assertEquals(6, glob.line());
        CwlException stdout = fails(tool("inputs: []", "outputs:", "  o:", "    type: stdout",
                "    outputBinding: {glob: x}"));
        assertEquals(CwlException.Kind.MALFORMED, stdout.kind());
        assertEquals(7, stdout.line());
    }

    @Test
    void includeDirectiveIsUnsupportedWherever() {
        CwlException e = fails(tool("inputs: []", "outputs: []", "doc:", "  $include: README.md"));
        assertEquals(CwlException.Kind.UNSUPPORTED, e.kind());
        assertEquals("doc.$include", e.path());
        assertEquals(6, e.line());
    }

    @Test
    void resourceRequirementRules() {
        CwlException e = fails(tool("requirements:", "  ResourceRequirement:", "    ramMin: 2048", "    ramMax: 1024",
                "inputs: []", "outputs: []"));
        assertEquals(CwlException.Kind.MALFORMED, e.kind());
        assertEquals("requirements.ResourceRequirement.ramMax", e.path());
        assertEquals(6, e.line());
        assertEquals("ramMax (1024) is less than ramMin (2048)", e.reason());
        CwlException negative = fails(tool("requirements: {ResourceRequirement: {coresMin: -1}}", "inputs: []",
                "outputs: []"));
        assertTrue(negative.reason().contains("must not be negative"));
    }

    @Test
    void syntaxOfCwlV12IsRefusedInOlderDocuments() {
        // invalid_syntax_v10_uses_v12_tool: a {pattern, required} secondaryFiles entry (v1.1) and
        // coresMin .5 (v1.2) in a v1.0 document
        CwlException v10 = assertThrows(CwlException.class,
                () -> conformance("mixed-versions/invalid-tool-v10.cwl"));
        assertEquals(CwlException.Kind.MALFORMED, v10.kind());
        assertTrue(v10.getMessage().contains("cwlVersion v1.0"), v10.getMessage());
        // invalid_syntax_v11_uses_v12_tool: the {pattern, required} form is v1.1, coresMin .5 is not
        CwlException v11 = assertThrows(CwlException.class,
                () -> conformance("mixed-versions/invalid-tool-v11.cwl"));
        assertEquals("requirements.ResourceRequirement.coresMin", v11.path());
        // the same documents as v1.2, and the valid v1.0 and v1.1 tools, parse
        CwlParser.parseTool(Fixtures.suiteFile("mixed-versions/invalid-tool-v11.cwl").replace("v1.1", "v1.2"));
        conformance("mixed-versions/tool-v10.cwl");
        conformance("mixed-versions/tool-v11.cwl");
    }

    @Test
    void conditionalStepsAreRefusedBeforeCwlV12() {
        // invalid_syntax_v11_uses_v12_workflow: 'when' in a v1.1 workflow
        String wf = "cwlVersion: v1.1\nclass: Workflow\ninputs: {a: string}\noutputs: []\nsteps:\n  s:\n"
                + "    in: {x: a}\n    out: []\n    when: $(true)\n    run:\n      class: CommandLineTool\n"
                + "      inputs: {x: string}\n      outputs: []\n      baseCommand: 'true'\n";
        CwlException e = assertThrows(CwlException.class, () -> WorkflowParser.parseWorkflow(wf));
        assertEquals("steps.s.when", e.path());
        assertTrue(e.getMessage().contains("cwlVersion v1.1"), e.getMessage());
        assertEquals(1, WorkflowParser.parseWorkflow(wf.replace("v1.1", "v1.2")).steps().size());
    }
}
