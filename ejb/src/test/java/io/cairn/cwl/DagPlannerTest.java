package io.cairn.cwl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Planning workflows step by step, as the dispatcher does after each finished invocation. */
class DagPlannerTest {

    /** A tool with inputs x (string) and y (string, optional), output out. */
    private static final String ECHO = """
            class: CommandLineTool
            baseCommand: echo
            inputs:
              x: string
              y: string?
            outputs:
              out: string
            """;

    private static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return text.lines().map(l -> pad + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
    }

    private static Workflow wf(String head, String steps) {
        return WorkflowParser.parseWorkflow("cwlVersion: v1.2\nclass: Workflow\n" + head + "steps:\n" + steps);
    }

    private static String step(String id, String in, String extra) {
        return "  " + id + ":\n    in:\n" + in + "    out: [out]\n" + extra + "    run:\n" + indent(ECHO, 6);
    }

    private static Map<String, Object> out(Object value) {
        Map<String, Object> m = new HashMap<>();
        m.put("out", value);
        return m;
    }

    @Test
    void aChainRunsOneStepAfterTheOther() {
        Workflow wf = wf("inputs:\n  msg: string\noutputs:\n  result:\n    type: string\n    outputSource: second/out\n",
                step("first", "      x: msg\n", "") + step("second", "      x: first/out\n      y: {default: fixed}\n", ""));
        Map<String, Object> inputs = JobInputs.resolve(wf.inputs(), Map.of("msg", "hi"));
        Map<String, Map<String, Object>> finished = new HashMap<>();

        DagPlanner.Plan p1 = DagPlanner.plan(wf, inputs, finished);
        assertFalse(p1.complete());
        assertEquals(List.of("first"), p1.ready().stream().map(DagPlanner.Task::key).toList());
        assertEquals(Map.of("x", "hi"), p1.ready().get(0).inputs());

        finished.put("first", out("from first"));
        DagPlanner.Plan p2 = DagPlanner.plan(wf, inputs, finished);
        assertEquals(List.of("second"), p2.ready().stream().map(DagPlanner.Task::key).toList());
        assertEquals(Map.of("x", "from first", "y", "fixed"), p2.ready().get(0).inputs());

        finished.put("second", out("done"));
        DagPlanner.Plan p3 = DagPlanner.plan(wf, inputs, finished);
        assertTrue(p3.complete());
        assertTrue(p3.ready().isEmpty());
        assertEquals(Map.of("result", "done"), p3.outputs());
    }

    @Test
    void independentStepsAreReadyTogetherAndUndeclaredInputsAreNotPassed() {
        Workflow wf = wf("inputs:\n  a: string\n  b: string\noutputs: []\n",
                step("one", "      x: a\n      extra: b\n", "") + step("two", "      x: b\n", ""));
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("a", "A", "b", "B")), Map.of());
        assertEquals(List.of("one", "two"), plan.ready().stream().map(DagPlanner.Task::key).toList());
        assertEquals(Map.of("x", "A"), plan.ready().get(0).inputs());
    }

    @Test
    void aDotproductScatterMakesOneInvocationPerItemAndGathersInOrder() {
        Workflow wf = wf("requirements: {ScatterFeatureRequirement: {}}\ninputs:\n  xs: string[]\n"
                        + "outputs:\n  all:\n    type: string[]\n    outputSource: s/out\n",
                step("s", "      x: xs\n", "    scatter: x\n"));
        Map<String, Object> inputs = JobInputs.resolve(wf.inputs(), Map.of("xs", List.of("a", "b", "c")));
        Map<String, Map<String, Object>> finished = new HashMap<>();
        DagPlanner.Plan plan = DagPlanner.plan(wf, inputs, finished);
        assertEquals(List.of("s[0]", "s[1]", "s[2]"), plan.ready().stream().map(DagPlanner.Task::key).toList());
        assertEquals("b", plan.ready().get(1).inputs().get("x"));
        finished.put("s[2]", out("C"));
        finished.put("s[0]", out("A"));
        assertEquals(List.of("s[1]"), DagPlanner.plan(wf, inputs, finished).ready().stream().map(DagPlanner.Task::key).toList());
        finished.put("s[1]", out("B"));
        assertEquals(Map.of("all", List.of("A", "B", "C")), DagPlanner.plan(wf, inputs, finished).outputs());
    }

    @Test
    void anEmptyScatterCompletesWithEmptyLists() {
        Workflow wf = wf("inputs:\n  xs: string[]\noutputs:\n  all:\n    type: string[]\n    outputSource: s/out\n",
                step("s", "      x: xs\n", "    scatter: [x]\n"));
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("xs", List.of())), Map.of());
        assertTrue(plan.complete());
        assertEquals(Map.of("all", List.of()), plan.outputs());
    }

    @Test
    void crossProductsNestOrFlattenTheirOutputs() {
        String head = "inputs:\n  xs: string[]\n  ys: string[]\noutputs:\n  all:\n    type: Any\n    outputSource: s/out\n";
        for (String method : List.of("nested_crossproduct", "flat_crossproduct")) {
            Workflow wf = wf(head, step("s", "      x: xs\n      y: ys\n", "    scatter: [x, y]\n    scatterMethod: " + method + "\n"));
            Map<String, Object> inputs = JobInputs.resolve(wf.inputs(), Map.of("xs", List.of("a", "b"), "ys", List.of("1", "2", "3")));
            Map<String, Map<String, Object>> finished = new HashMap<>();
            DagPlanner.Plan plan = DagPlanner.plan(wf, inputs, finished);
            assertEquals(List.of("s[0][0]", "s[0][1]", "s[0][2]", "s[1][0]", "s[1][1]", "s[1][2]"),
                    plan.ready().stream().map(DagPlanner.Task::key).toList());
            for (DagPlanner.Task t : plan.ready()) {
                finished.put(t.key(), out(t.inputs().get("x") + "" + t.inputs().get("y")));
            }
            Object all = DagPlanner.plan(wf, inputs, finished).outputs().get("all");
            if (method.startsWith("nested")) {
                assertEquals(List.of(List.of("a1", "a2", "a3"), List.of("b1", "b2", "b3")), all);
            } else {
                assertEquals(List.of("a1", "a2", "a3", "b1", "b2", "b3"), all);
            }
        }
    }

    @Test
    void dotproductOfUnequalListsIsAnError() {
        Workflow wf = wf("inputs:\n  xs: string[]\n  ys: string[]\noutputs: []\n",
                step("s", "      x: xs\n      y: ys\n", "    scatter: [x, y]\n    scatterMethod: dotproduct\n"));
        CwlException e = assertThrows(CwlException.class, () -> DagPlanner.plan(wf,
                JobInputs.resolve(wf.inputs(), Map.of("xs", List.of("a"), "ys", List.of("1", "2"))), Map.of()));
        assertTrue(e.getMessage().contains("'x' has 1 items, 'y' has 2"), e.getMessage());
    }

    @Test
    void mergeAndPickRulesApplyInOrderThenDefaultsThenValueFrom() {
        Workflow wf = wf("inputs:\n  a: string?\n  b: string?\noutputs: []\n",
                step("s", "      x:\n        source: [a, b]\n        pickValue: first_non_null\n"
                        + "      y:\n        source: a\n        default: dflt\n        valueFrom: $(self)-$(inputs.x)\n", ""));
        Map<String, Object> job = new HashMap<>();
        job.put("a", null);
        job.put("b", "B");
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), job), Map.of());
        assertEquals(Map.of("x", "B", "y", "dflt-B"), plan.ready().get(0).inputs());
    }

    @Test
    void mergeFlattenedConcatenatesLists() {
        Workflow wf = wf("inputs:\n  a: string[]\n  b: string\noutputs:\n  o:\n    type: Any\n"
                + "    outputSource: [a, b]\n    linkMerge: merge_flattened\n", "  []\n");
        assertEquals(List.of("1", "2", "3"), DagPlanner.plan(wf,
                JobInputs.resolve(wf.inputs(), Map.of("a", List.of("1", "2"), "b", "3")), Map.of()).outputs().get("o"));
    }

    @Test
    void aFalseConditionSkipsTheStepWithNullOutputs() {
        Workflow wf = wf("inputs:\n  go: boolean\noutputs:\n  o:\n    type: string?\n    outputSource: s/out\n",
                step("s", "      x: {default: a}\n      go: go\n", "    when: $(inputs.go)\n"));
        DagPlanner.Plan skip = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("go", false)), Map.of());
        assertTrue(skip.complete());
        assertEquals(null, skip.outputs().get("o"));
        DagPlanner.Plan run = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("go", true)), Map.of());
        assertEquals(List.of("s"), run.ready().stream().map(DagPlanner.Task::key).toList());
    }

    @Test
    void subworkflowStepsHaveKeysBelowTheirStep() {
        String inner = "class: Workflow\ninputs:\n  x: string\noutputs:\n  out:\n    type: string\n    outputSource: e/out\n"
                + "steps:\n" + step("e", "      x: x\n", "");
        Workflow wf = wf("requirements: {SubworkflowFeatureRequirement: {}}\ninputs:\n  m: string\n"
                        + "outputs:\n  r:\n    type: string\n    outputSource: sub/out\n",
                "  sub:\n    in: {x: m}\n    out: [out]\n    run:\n" + indent(inner, 6));
        Map<String, Object> inputs = JobInputs.resolve(wf.inputs(), Map.of("m", "hello"));
        DagPlanner.Plan plan = DagPlanner.plan(wf, inputs, Map.of());
        assertEquals(List.of("sub/e"), plan.ready().stream().map(DagPlanner.Task::key).toList());
        assertEquals(Map.of("r", "HELLO"), DagPlanner.plan(wf, inputs, Map.of("sub/e", out("HELLO"))).outputs());
        assertEquals(plan.ready().get(0).tool(), DagPlanner.toolAt(wf, "sub/e"));
        assertThrows(CwlException.class, () -> DagPlanner.toolAt(wf, "sub"));
        assertThrows(CwlException.class, () -> DagPlanner.toolAt(wf, "nope[1]"));
    }

    @Test
    void packedIdsResolve() {
        Workflow wf = WorkflowParser.parseWorkflow("""
                {"cwlVersion": "v1.2", "class": "Workflow", "id": "#main",
                 "inputs": [{"id": "#main/m", "type": "string"}],
                 "outputs": [{"id": "#main/r", "type": "string", "outputSource": "#main/s/out"}],
                 "steps": [{"id": "#main/s", "in": [{"id": "#main/s/x", "source": "#main/m"}], "out": ["#main/s/out"],
                   "run": {"class": "CommandLineTool", "id": "#echo.cwl", "baseCommand": "echo",
                           "inputs": [{"id": "#echo.cwl/x", "type": "string"}],
                           "outputs": [{"id": "#echo.cwl/out", "type": "string"}]}}]}
                """);
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("m", "v")), Map.of());
        assertEquals(Map.of("x", "v"), plan.ready().get(0).inputs());
    }

    @Test
    void brokenWiringIsRefusedWhenTheWorkflowIsRead() {
        CwlException unknownSource = assertThrows(CwlException.class, () -> wf("inputs: {}\noutputs: []\n",
                step("s", "      x: nowhere\n", "")));
        assertTrue(unknownSource.getMessage().contains("source 'nowhere' is not an input of the workflow"),
                unknownSource.getMessage());
        CwlException unknownOut = assertThrows(CwlException.class, () -> wf("inputs: {}\noutputs: []\n",
                step("s", "      x: {default: a}\n", "").replace("out: [out]", "out: [nope]")));
        assertTrue(unknownOut.getMessage().contains("step 's' has no output 'nope'"), unknownOut.getMessage());
        CwlException cycle = assertThrows(CwlException.class, () -> wf("inputs: {}\noutputs: []\n",
                step("a", "      x: b/out\n", "") + step("b", "      x: a/out\n", "")));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
        CwlException fileRef = assertThrows(CwlException.class, () -> wf("inputs: {}\noutputs: []\n",
                "  s:\n    in: {}\n    out: []\n    run: other.cwl\n"));
        assertEquals(CwlException.Kind.UNSUPPORTED, fileRef.kind());
    }

    @Test
    void expressionToolStepsAreWorkedOutWithoutATask() {
        String passThrough = "class: ExpressionTool\ninputs:\n  x: string\noutputs:\n  x: string\nexpression: $(inputs)\n";
        Workflow wf = wf("inputs:\n  m: string\noutputs:\n  r:\n    type: string\n    outputSource: s/out\n",
                "  e:\n    in: {x: m}\n    out: [x]\n    run:\n" + indent(passThrough, 6) + step("s", "      x: e/x\n", ""));
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("m", "through")), Map.of());
        assertEquals(List.of("s"), plan.ready().stream().map(DagPlanner.Task::key).toList());
        assertEquals(Map.of("x", "through"), plan.ready().get(0).inputs());

        Workflow js = wf("inputs: {}\noutputs: []\n", "  e:\n    in: {}\n    out: [o]\n    run:\n"
                + indent("class: ExpressionTool\ninputs: {}\noutputs:\n  o: Any\nexpression: \"$({'o': null})\"\n", 6));
        CwlException e = assertThrows(CwlException.class, () -> DagPlanner.plan(js, Map.of(), Map.of()));
        assertEquals(CwlException.Kind.UNSUPPORTED, e.kind());
        DagPlanner.Plan withJs = DagPlanner.plan(js, Map.of(), Map.of(), DagPlanner.JAVASCRIPT);
        assertTrue(withJs.complete());
    }

    @Test
    void javascriptDrivesValueFromAndWhen() {
        Workflow wf = wf("requirements: {InlineJavascriptRequirement: {}, StepInputExpressionRequirement: {}}\n"
                        + "inputs:\n  n: int\noutputs: []\n",
                step("s", "      x:\n        source: n\n        valueFrom: $('n=' + (self * 2))\n      n: n\n",
                        "    when: $(inputs.n > 1)\n"));
        DagPlanner.Plan run = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("n", 3)), Map.of(), DagPlanner.JAVASCRIPT);
        assertEquals(Map.of("x", "n=6"), run.ready().get(0).inputs());
        assertTrue(DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("n", 1)), Map.of(), DagPlanner.JAVASCRIPT).complete());
        CwlException broken = assertThrows(CwlException.class, () -> DagPlanner.plan(
                wf("inputs:\n  n: int\noutputs: []\n", step("s", "      x:\n        source: n\n        valueFrom: ${ throw new Error('nope'); }\n", "")),
                Map.of("n", 1), Map.of(), DagPlanner.JAVASCRIPT));
        assertTrue(broken.getMessage().contains("nope"), broken.getMessage());
    }

    @Test
    void anExpressionToolLoadsTheContentsOfItsInputFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path blob = dir.resolve("blob");
        java.nio.file.Files.writeString(blob, "42\n");
        String parse = "class: ExpressionTool\nrequirements: {InlineJavascriptRequirement: {}}\n"
                + "inputs:\n  f: {type: File, loadContents: true}\noutputs:\n  n: int\n"
                + "expression: \"$({'n': parseInt(inputs.f.contents)})\"\n";
        Workflow wf = wf("inputs:\n  f: File\noutputs:\n  n:\n    type: int\n    outputSource: p/n\n",
                "  p:\n    in: {f: f}\n    out: [n]\n    run:\n" + indent(parse, 6));
        Map<String, Object> file = Map.of("class", "File", "location", "/api/v1/files/x", "basename", "n.txt");
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("f", file)), Map.of(),
                DagPlanner.JAVASCRIPT, f -> blob);
        assertEquals(Map.of("n", 42), plan.outputs());
    }

    /** An ExpressionTool that returns its int input as output n. */
    private static final String PASS_INT = "class: ExpressionTool\nrequirements: {InlineJavascriptRequirement: {}}\n"
            + "inputs:\n  n: int\noutputs:\n  n: int\nexpression: \"$({'n': inputs.n})\"\n";

    private static Map<String, Object> loadedThroughValueFrom(String inputDecl, String stepInputExtra, String text,
                                                              java.nio.file.Path dir) throws Exception {
        java.nio.file.Path blob = dir.resolve("blob");
        java.nio.file.Files.writeString(blob, text);
        Workflow wf = wf("requirements: {StepInputExpressionRequirement: {}, InlineJavascriptRequirement: {}}\n"
                        + "inputs:\n  f: " + inputDecl + "\noutputs:\n  n:\n    type: int\n    outputSource: p/n\n",
                "  p:\n    in:\n      n:\n        source: f\n" + stepInputExtra
                        + "        valueFrom: $(parseInt(self.contents))\n    out: [n]\n    run:\n" + indent(PASS_INT, 6));
        Map<String, Object> file = Map.of("class", "File", "location", "/api/v1/files/x", "basename", "n.txt");
        return DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("f", file)), Map.of(),
                DagPlanner.JAVASCRIPT, f -> blob).outputs();
    }

    @Test
    void aWorkflowInputWithLoadContentsIsLoadedBeforeValueFrom(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // workflow_input_loadContents_without_inputBinding, workflow_input_inputBinding_loadContents
        assertEquals(Map.of("n", 42), loadedThroughValueFrom("{type: File, loadContents: true}", "", "42\n", dir));
        assertEquals(Map.of("n", 7), loadedThroughValueFrom("{type: File, inputBinding: {loadContents: true}}", "",
                "7\n", dir));
    }

    @Test
    void aStepInputWithLoadContentsIsLoadedBeforeValueFrom(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // workflow_step_in_loadContents
        assertEquals(Map.of("n", 13), loadedThroughValueFrom("File", "        loadContents: true\n", "13\n", dir));
        // without loadContents self.contents is undefined: parseInt gives NaN, which is no int
        CwlException e = assertThrows(CwlException.class, () -> loadedThroughValueFrom("File", "", "13\n", dir));
        assertTrue(e.getMessage().contains("int"), e.getMessage());
    }

    @Test
    void allNonNullIntoAParameterThatIsNoArrayIsRefused() {
        // all_non_null_multi_with_non_array_output (_nojs): the output's type is string
        CwlException out = assertThrows(CwlException.class, () -> wf(
                "inputs:\n  a: string\n  b: string\noutputs:\n  o:\n    type: string\n"
                        + "    outputSource: [s/out, b]\n    pickValue: all_non_null\n"
                        + "requirements: {MultipleInputFeatureRequirement: {}}\n",
                step("s", "      x: a\n", "")));
        assertEquals("outputs.o.pickValue", out.path());
        assertTrue(out.getMessage().contains("always gives an array"), out.getMessage());
        // the same into a step input of type string
        CwlException in = assertThrows(CwlException.class, () -> wf(
                "inputs:\n  a: string\n  b: string\noutputs: []\nrequirements: {MultipleInputFeatureRequirement: {}}\n",
                step("s", "      x:\n        source: [a, b]\n        pickValue: all_non_null\n", "")));
        assertTrue(in.getMessage().contains("input 'x'"), in.getMessage());
        // an array type, or Any, takes it
        assertEquals(List.of("o"), wf("inputs:\n  a: string\n  b: string\noutputs:\n  o:\n    type: string[]\n"
                + "    outputSource: [s/out, b]\n    pickValue: all_non_null\n"
                + "requirements: {MultipleInputFeatureRequirement: {}}\n",
                step("s", "      x: a\n", "")).outputs().stream().map(WorkflowOutput::id).toList());
    }

    @Test
    void valueFromSeesNamerootAndNameextOfAFileThatNoToolStagedYet() {
        // nameroot_nameext_generated: the workflow input File has only location and basename
        Workflow wf = wf("requirements: {StepInputExpressionRequirement: {}}\ninputs:\n  f: File\noutputs: []\n",
                step("root", "      x:\n        source: f\n        valueFrom: $(self.nameroot)\n", "")
                        + step("ext", "      x:\n        source: f\n        valueFrom: $(inputs.x.nameext)\n", ""));
        Map<String, Object> file = Map.of("class", "File", "location", "/api/v1/files/7", "basename", "whale.tar.gz");
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("f", file)), Map.of());
        assertEquals(Map.of("x", "whale.tar"), plan.ready().get(0).inputs());
        assertEquals(Map.of("x", ".gz"), plan.ready().get(1).inputs());
    }

    @Test
    void aProcessOnItsOwnRunsAsAWorkflowOfOneStep() {
        CwlProcess et = WorkflowParser.parseProcess("cwlVersion: v1.2\nclass: ExpressionTool\n"
                + "requirements: {InlineJavascriptRequirement: {}}\ninputs:\n  n: int\noutputs:\n  twice: int\n"
                + "expression: \"$({'twice': inputs.n * 2})\"\n");
        Workflow wf = Workflow.wrapping(et);
        DagPlanner.Plan plan = DagPlanner.plan(wf, JobInputs.resolve(wf.inputs(), Map.of("n", 21)), Map.of(),
                DagPlanner.JAVASCRIPT);
        assertEquals(Map.of("twice", 42), plan.outputs());
    }
}
