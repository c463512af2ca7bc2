package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.RUNTIME;
import static io.cairn.cwl.Fixtures.argv;
import static io.cairn.cwl.Fixtures.conformance;
import static io.cairn.cwl.Fixtures.file;
import static io.cairn.cwl.Fixtures.json;
import static io.cairn.cwl.Fixtures.map;
import static io.cairn.cwl.Fixtures.run;
import static io.cairn.cwl.Fixtures.stage;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CommandLineBuilderTest {

    private static BuiltCommand build(CommandLineTool tool, Map<String, Object> job) {
        return CommandLineBuilder.build(tool, stage(JobInputs.resolve(tool, job)), RUNTIME);
    }

    // ------------------------------------------------------------ conformance expectations

    @Test
    void bwaMemBasicGeneration() {
        CommandLineTool tool = conformance("bwa-mem-tool.cwl");
        BuiltCommand cmd = build(tool, json(Fixtures.suiteFile("bwa-mem-job.json")));
        assertEquals(List.of("python", "/staged/args.py", "bwa", "mem", "-t", "2", "-I", "1,2,3,4", "-m", "3",
                "/staged/chr20.fa", "/staged/example_human_Illumina.pe_1.fastq",
                "/staged/example_human_Illumina.pe_2.fastq"), cmd.argv());
        assertEquals("output.sam", cmd.stdoutFile());
        assertNull(cmd.stdin());
        assertNull(cmd.stderrFile());
    }

    @Test
    void positionsMayBeExpressions() {
        CommandLineTool tool = conformance("echo-position-expr.cwl");
        BuiltCommand cmd = build(tool, map("one", 1, "two", 2));
        assertEquals(List.of("echo", "\uD83D\uDD7A", "1", "singular", "sensation!"), cmd.argv());
        CommandLineTool selfPosition = CwlParser.parseTool(tool(
                "inputs: {d: {type: int, inputBinding: {position: $(self), prefix: -d}}}",
                "outputs: []",
                "baseCommand: echo"));
        assertEquals(List.of("echo", "-d", "3"), build(selfPosition, map("d", 3)).argv());
        CommandLineTool text = CwlParser.parseTool(tool(
                "inputs: {d: {type: string, inputBinding: {position: $(self)}}}",
                "outputs: []",
                "baseCommand: echo"));
        CwlException e = assertThrows(CwlException.class, () -> build(text, map("d", "x")));
        assertEquals("inputs.d.inputBinding.position", e.path());
        assertTrue(e.reason().contains("must evaluate to an integer, got"), e.reason());
    }

    @Test
    void javaScriptRunsUnderInlineJavascriptRequirement() {
        CommandLineTool tool = conformance("null-defined.cwl");
        assertEquals(List.of("echo", "t"), build(tool, map()).argv());
        CommandLineTool withLib = CwlParser.parseTool(tool(
                "hints: {InlineJavascriptRequirement: {expressionLib: ['function twice(x) { return 2 * x; }']}}",
                "inputs: {n: {type: int, inputBinding: {valueFrom: '${return twice(self);}'}}}",
                "outputs: []",
                "baseCommand: echo"));
        assertEquals(List.of("echo", "14"), build(withLib, map("n", 7)).argv());
        CommandLineTool literal = CwlParser.parseTool(tool(
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: []",
                "arguments: ['is $(true)', '$(Math.max(1, 2))']",
                "outputs: []",
                "baseCommand: echo"));
        assertEquals(List.of("echo", "is true", "2"), build(literal, map()).argv());
        CommandLineTool failing = CwlParser.parseTool(tool(
                "requirements: {InlineJavascriptRequirement: {}}",
                "inputs: {n: int}",
                "arguments: ['$(inputs.n.nothing.here)']",
                "outputs: []",
                "baseCommand: echo"));
        CwlException e = assertThrows(CwlException.class, () -> build(failing, map("n", 1)));
        assertEquals(CwlException.Kind.INVALID, e.kind());
        assertEquals("arguments[0]", e.path());
    }

    @Test
    void schemaDefTypesAreResolvedByName() {
        CommandLineTool tool = CwlParser.parseTool(tool(
                "requirements:",
                "  - class: SchemaDefRequirement",
                "    types:",
                "      - {name: '#Pair', type: record, fields: [{name: a, type: string}, {name: b, type: 'Level?'}]}",
                "      - {name: Level, type: enum, symbols: [low, high]}",
                "inputs:",
                "  p: {type: 'types.yml#Pair', inputBinding: {valueFrom: '$(self.a)/$(self.b)'}}",
                "  ps: {type: 'Pair[]?'}",
                "outputs: []",
                "baseCommand: echo"));
        assertEquals("record", tool.input("p").orElseThrow().type().name());
        assertEquals(List.of("echo", "x/high"), build(tool, map("p", map("a", "x", "b", "high"))).argv());
        CwlException bad = assertThrows(CwlException.class, () -> build(tool, map("p", map("a", "x", "b", "mid"))));
        assertTrue(bad.reason().contains("expected one of low, high"), bad.reason());
        CwlException recursive = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool(
                "requirements: {SchemaDefRequirement: {types: [{name: Node, type: record, fields: {next: 'Node?'}}]}}",
                "inputs: {n: Node}",
                "outputs: []")));
        assertEquals(CwlException.Kind.UNSUPPORTED, recursive.kind());
    }

    @Test
    void resourcesMayBeExpressionsOfTheInputs() {
        CommandLineTool tool = conformance("dynresreq.cwl");
        Map<String, Object> staged = stage(JobInputs.resolve(tool, map("special_file",
                map("class", "File", "location", "file:///data/special_file", "size", 3))));
        ResourceRequirement r = tool.resourcesFor(staged, RUNTIME);
        assertEquals(3, r.minCores());
        assertEquals(256L, r.minRamMiB());
        CommandLineTool bad = CwlParser.parseTool(tool(
                "requirements: {ResourceRequirement: {ramMin: $(inputs.s)}}",
                "inputs: {s: string}",
                "outputs: []",
                "baseCommand: 'true'"));
        CwlException e = assertThrows(CwlException.class, () -> bad.resourcesFor(map("s", "lots"), RUNTIME));
        assertEquals("requirements.ResourceRequirement.ramMin", e.path());
        assertTrue(e.reason().contains("must evaluate to a number"), e.reason());
    }

    @Test
    void timeLimitMayBeAnExpression() {
        CommandLineTool tool = CwlParser.parseTool(tool(
                "requirements: {ToolTimeLimit: {timelimit: '$(inputs.t * 2)'}, InlineJavascriptRequirement: {}}",
                "inputs: {t: int}",
                "outputs: []",
                "baseCommand: 'true'"));
        assertEquals(6L, tool.timeLimitFor(map("t", 3L), RUNTIME));
        CwlException e = assertThrows(CwlException.class, () -> tool.timeLimitFor(map("t", -1L), RUNTIME));
        assertEquals("requirements.ToolTimeLimit.timelimit", e.path());
        assertEquals(0L, CwlParser.parseTool(tool("inputs: []", "outputs: []", "baseCommand: 'true'"))
                .timeLimitFor(map(), RUNTIME));
    }

    @Test
    void nestedPrefixesWithArrays() {
        CommandLineTool tool = conformance("binding-test.cwl");
        Map<String, Object> job = json(Fixtures.suiteFile("bwa-mem-job.json"));
        job.remove("min_std_max_min");
        job.remove("minimum_seed_length");
        assertEquals(List.of("python", "/staged/args.py", "bwa", "mem", "/staged/chr20.fa", "-XXX",
                "-YYY", "/staged/example_human_Illumina.pe_1.fastq",
                "-YYY", "/staged/example_human_Illumina.pe_2.fastq"), build(tool, job).argv());
    }

    @Test
    void optionalBooleanMissingAndPresent() {
        CommandLineTool tool = conformance("cat1-testcli.cwl");
        Map<String, Object> hello = map("class", "File", "location", "hello.txt");
        assertEquals(List.of("python", "/staged/args.py", "cat", "/staged/hello.txt"),
                build(tool, map("file1", hello)).argv());
        assertEquals(List.of("python", "/staged/args.py", "cat", "-n", "/staged/hello.txt"),
                build(tool, map("file1", hello, "numbering", true)).argv());
        assertEquals(List.of("python", "/staged/args.py", "cat", "/staged/hello.txt"),
                build(tool, map("file1", hello, "numbering", false)).argv());
    }

    @Test
    void emptyArrayAddsNothingEvenWithPrefix() {
        assertEquals(List.of("python", "/staged/args.py"),
                build(conformance("empty-array-input.cwl"), map("array", List.of())).argv());
    }

    @Test
    void booleanWithEmptyBindingAddsNothing() {
        assertEquals(List.of("python", "/staged/args.py"),
                build(conformance("bool-empty-inputbinding.cwl"), map("flag", true)).argv());
    }

    @Test
    void constantValueFromReplacesArray() {
        Map<String, Object> job = map("array_input", List.of(map("class", "File", "location", "a.txt")));
        assertEquals(List.of("python", "/staged/args.py", "replacementValue"),
                build(conformance("valueFrom-constant.cwl"), job).argv());
    }

    @Test
    void arrayOfArraysFlattens() {
        CommandLineTool tool = conformance("nested-array.cwl");
        BuiltCommand cmd = build(tool, map("letters", List.of(List.of("a", "b"), List.of("c"))));
        assertEquals(List.of("echo", "a", "b", "c"), cmd.argv());
        assertEquals("echo.txt", cmd.stdoutFile());
    }

    @Test
    void floatsPrintInPlainDecimal() {
        assertEquals(List.of("echo", "-n", "0.00001", "0.0000123", "123000", "1230000"),
                build(conformance("floats_small_and_large_nojs.cwl"), Map.of()).argv());
    }

    @Test
    void nameFieldsAreDerivedFromPath() {
        CommandLineTool tool = conformance("nameroot.cwl");
        Map<String, Object> input = map("file1", file("/data/dir/whale.tar.gz"));
        Map<String, Object> before = new HashMap<>((Map<String, Object>) input.get("file1"));
        BuiltCommand cmd = CommandLineBuilder.build(tool, JobInputs.resolve(tool, input), RUNTIME);
        assertEquals(List.of("echo", "whale.tar.gz", "whale.tar", ".gz"), cmd.argv());
        assertEquals("whale.tar.xtx", cmd.stdoutFile());
        assertEquals(before, input.get("file1"), "caller's File map must not be modified");
    }

    @Test
    void stdinFromStdinTypedInputAndWcTool() {
        BuiltCommand cat = build(conformance("cat-tool-shortcut.cwl"), map("file1", file("/in/hello.txt")));
        assertEquals(List.of("cat"), cat.argv());
        assertEquals("/in/hello.txt", cat.stdin());
        assertEquals("output", cat.stdoutFile());
        BuiltCommand wc = build(conformance("wc-tool.cwl"), map("file1", file("/in/w.txt")));
        assertEquals(List.of("sed", "-n", "$="), wc.argv());
        assertEquals("/in/w.txt", wc.stdin());
    }

    @Test
    void environmentIsEvaluated() {
        BuiltCommand cmd = build(conformance("env-tool1.cwl"), map("in", "hello test env"));
        assertEquals(Map.of("TEST_ENV", "hello test env"), cmd.env());
        assertEquals(List.of("/bin/sh", "-c", "echo $TEST_ENV"), cmd.argv());
    }

    @Test
    void defaultFileWithPathAndSelfInArguments() {
        assertEquals(List.of("cat", "whale.txt"), build(conformance("default_path.cwl"), Map.of()).argv());
        assertEquals(List.of("echo", "{\"self\":null}"),
                build(conformance("paramref_arguments_self.cwl"), Map.of()).argv());
    }

    // ------------------------------------------------------------ binding combinations

    @Test
    void sortsByPositionThenArgumentIndexBeforeInputNames() {
        String cwl = tool(
                "baseCommand: [prog, sub]",
                "arguments:",
                "  - {valueFrom: A2, position: 2}",
                "  - A0",
                "  - {valueFrom: A-1, position: -1}",
                "  - {valueFrom: A2b, position: 2}",
                "inputs:",
                "  zeta: {type: string, default: z0, inputBinding: {}}",
                "  alpha: {type: string, default: a0, inputBinding: {position: 0}}",
                "  beta: {type: string, default: b2, inputBinding: {position: 2}}",
                "  Beta: {type: string, default: B2, inputBinding: {position: 2}}",
                "  unbound: {type: string, default: nothing}",
                "outputs: []");
        assertEquals(List.of("prog", "sub", "A-1", "A0", "a0", "z0", "A2", "A2b", "B2", "b2"), argv(cwl, Map.of()));
    }

    @Test
    void sortKeyComparison() {
        assertTrue(CommandLineBuilder.compareKeys(List.of(0, 5), List.of(0, "a")) < 0, "numbers before strings");
        assertTrue(CommandLineBuilder.compareKeys(List.of(0, "a"), List.of(0, 5)) > 0, "strings after numbers");
        assertTrue(CommandLineBuilder.compareKeys(List.of(-1, "z"), List.of(0, 0)) < 0);
        assertTrue(CommandLineBuilder.compareKeys(List.of(1, "B"), List.of(1, "a")) < 0, "UTF-8 byte order");
        assertTrue(CommandLineBuilder.compareKeys(List.of(1, "\uffff"), List.of(1, "\ud83d\ude00")) < 0,
                "code points, not UTF-16 units");
        assertTrue(CommandLineBuilder.compareKeys(List.of(1), List.of(1, 0)) < 0, "shorter key first");
        assertEquals(0, CommandLineBuilder.compareKeys(List.of(2, "x"), List.of(2, "x")));
    }

    @Test
    void prefixSeparateAndItemSeparator() {
        String cwl = tool(
                "baseCommand: tool",
                "inputs:",
                "  a: {type: int, inputBinding: {position: 1, prefix: -a}}",
                "  b: {type: string, inputBinding: {position: 2, prefix: --b=, separate: false}}",
                "  c: {type: 'int[]', inputBinding: {position: 3, prefix: -c, itemSeparator: ','}}",
                "  d: {type: 'string[]', inputBinding: {position: 4, prefix: -d, itemSeparator: ' ', separate: false}}",
                "  e: {type: 'string[]', inputBinding: {position: 5, prefix: -e}}",
                "  f: {type: 'File[]', inputBinding: {position: 6, itemSeparator: ':'}}",
                "outputs: []");
        Map<String, Object> job = map("a", 7, "b", "x y", "c", List.of(1, 2, 3), "d", List.of("p", "q"),
                "e", List.of("e1", "e2"), "f", List.of(file("/f/1"), file("/f/2")));
        assertEquals(List.of("tool", "-a", "7", "--b=x y", "-c", "1,2,3", "-dp q", "-e", "e1", "e2", "/f/1:/f/2"),
                argv(cwl, job));
    }

    @Test
    void itemBindingsApplyToEachElement() {
        String cwl = tool(
                "baseCommand: tool",
                "inputs:",
                "  xs:",
                "    type: {type: array, items: int, inputBinding: {prefix: -x, separate: false}}",
                "    inputBinding: {position: 1, prefix: --xs}",
                "  ys:",
                "    type: {type: array, items: string, inputBinding: {prefix: -y, valueFrom: 'v$(self)'}}",
                "outputs: []");
        assertEquals(List.of("tool", "-y", "va", "-y", "vb", "--xs", "-x1", "-x2"),
                argv(cwl, map("xs", List.of(1, 2), "ys", List.of("a", "b"))));
    }

    @Test
    void booleansNullsAndDefaults() {
        String cwl = tool(
                "baseCommand: tool",
                "inputs:",
                "  t: {type: boolean, inputBinding: {prefix: --yes}}",
                "  f: {type: boolean, inputBinding: {prefix: --no}}",
                "  n: {type: 'string?', inputBinding: {prefix: --n}}",
                "  d: {type: 'int?', default: 5, inputBinding: {prefix: --d}}",
                "  bare: {type: boolean, default: true, inputBinding: {}}",
                "  vf: {type: 'File?', inputBinding: {valueFrom: never}}",
                "outputs: []");
        assertEquals(List.of("tool", "--d", "5", "--yes"), argv(cwl, map("t", true, "f", false)));
        assertEquals(List.of("tool", "--d", "9", "--n", "s", "--yes"),
                argv(cwl, map("t", true, "f", false, "n", "s", "d", 9)));
    }

    @Test
    void valueFromWithSelfAndWholeReferenceKeepsType() {
        String cwl = tool(
                "baseCommand: tool",
                "inputs:",
                "  f: {type: File, inputBinding: {position: 1, prefix: -i, valueFrom: $(self.basename)}}",
                "  n: {type: int, inputBinding: {position: 2, valueFrom: $(self)}}",
                "  flag: {type: boolean, inputBinding: {position: 3, prefix: -v, valueFrom: $(self)}}",
                "arguments:",
                "  - {position: 4, prefix: -o, valueFrom: '$(runtime.outdir)/$(inputs.f.nameroot).out'}",
                "  - {position: 5, prefix: -m, valueFrom: $(runtime.ram)}",
                "  - {position: 6, valueFrom: '$(inputs.n)'}",
                "outputs: []");
        assertEquals(List.of("tool", "-i", "r.fq", "3", "-v", "-o", "/out/r.out", "-m", "1024", "3"),
                argv(cwl, map("f", file("/d/r.fq"), "n", 3, "flag", true)));
    }

    @Test
    void embeddedValuesAreStringified() {
        String cwl = tool(
                "baseCommand: echo",
                "inputs:",
                "  s: {type: 'string?'}",
                "  xs: {type: 'int[]', default: [1, 2]}",
                "  d: {type: double, default: 2.5}",
                "arguments: ['s=$(inputs.s) xs=$(inputs.xs) n=$(inputs.xs.length) d=$(inputs.d) first=$(inputs.xs[0])']",
                "outputs: []");
        assertEquals(List.of("echo", "s=null xs=[1, 2] n=2 d=2.5 first=1"), argv(cwl, Map.of()));
    }

    @Test
    void escapedReferencesStayLiteral() {
        String cwl = tool("baseCommand: echo", "inputs: {x: string}",
                "arguments: ['\\$(inputs.x) is $(inputs.x)', 'cost: $5', 'a\\\\b']", "outputs: []");
        assertEquals(List.of("echo", "$(inputs.x) is X", "cost: $5", "a\\\\b"), argv(cwl, map("x", "X")));
    }

    @Test
    void stdoutAndStderrNames() {
        String cwl = tool("baseCommand: echo", "inputs: {name: string}",
                "outputs: {o: stdout, e: stderr}", "stderr: $(inputs.name).err");
        BuiltCommand cmd = run(cwl, map("name", "job1"));
        assertEquals("job1.err", cmd.stderrFile());
        assertTrue(cmd.stdoutFile().matches("stdout_[0-9a-f]{16}"), cmd.stdoutFile());
        assertEquals(cmd.stdoutFile(), run(cwl, map("name", "job2")).stdoutFile(), "generated name is stable");
        CwlException bad = assertThrows(CwlException.class, () -> run(cwl, map("name", "../x")));
        assertEquals(CwlException.Kind.INVALID, bad.kind());
        assertEquals("stderr", bad.path());
        assertEquals(6, bad.line());
        String noCapture = tool("baseCommand: echo", "inputs: []", "outputs: []");
        assertNull(run(noCapture, Map.of()).stdoutFile());
    }

    @Test
    void missingFileFieldsAndUnresolvableReferencesAreInvalid() {
        CommandLineTool tool = CwlParser.parseTool(tool("baseCommand: cat", "inputs:",
                "  f: {type: File, inputBinding: {}}", "  g: {type: 'File?'}",
                "arguments: [{valueFrom: $(inputs.g.path), position: 2}]", "outputs: []"));
        CwlException noPath = assertThrows(CwlException.class, () -> CommandLineBuilder.build(tool,
                map("f", map("class", "File", "location", "x")), RUNTIME));
        assertEquals(CwlException.Kind.INVALID, noPath.kind());
        assertEquals("inputs.f", noPath.path());
        assertTrue(noPath.reason().contains("no \"path\""), noPath.getMessage());
        CwlException nullRef = assertThrows(CwlException.class, () -> CommandLineBuilder.build(tool,
                map("f", file("/a"), "g", null), RUNTIME));
        assertEquals("cannot evaluate $(inputs.g.path): inputs.g is null; cannot read 'path'", nullRef.reason());
        assertEquals("arguments[0].valueFrom", nullRef.path());
        assertEquals(7, nullRef.line());
    }

    @Test
    void emptyCommandLineIsInvalid() {
        CwlException e = assertThrows(CwlException.class,
                () -> run(tool("inputs: []", "outputs: []"), Map.of()));
        assertEquals(CwlException.Kind.INVALID, e.kind());
    }

    @Test
    void argvIsAListNotAShellString() {
        String cwl = tool("baseCommand: echo", "inputs: {x: {type: string, inputBinding: {}}}", "outputs: []");
        assertEquals(List.of("echo", "a b; rm -rf / | cat"), argv(cwl, map("x", "a b; rm -rf / | cat")));
    }
}
