package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.argv;
import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** ShellCommandRequirement: one /bin/sh -c script, quoted except where shellQuote is false. */
class ShellCommandTest {

    @Test
    void exitCodeToolRunsThroughTheShell() {
        // outputEval_exitCode
        CommandLineTool tool = Fixtures.conformance("exitcode.cwl");
        assertTrue(tool.shellCommand());
        assertEquals(List.of("/bin/sh", "-c", "exit 7"),
                CommandLineBuilder.build(tool, Map.of(), Fixtures.RUNTIME).argv());
    }

    @Test
    void everythingIsQuotedExceptShellQuoteFalse() {
        String cwl = tool("requirements: {ShellCommandRequirement: {}}",
                "baseCommand: [echo]",
                "inputs: {text: {type: string, inputBinding: {position: 1}}}",
                "arguments:",
                "  - {valueFrom: '|', shellQuote: false, position: 2}",
                "  - {valueFrom: wc, position: 3}",
                "  - {valueFrom: \"it's $HOME\", position: 4, prefix: -x}",
                "outputs: []");
        assertEquals(List.of("/bin/sh", "-c", "echo 'a b; rm -rf /' | wc -x 'it'\\''s $HOME'"),
                argv(cwl, Map.of("text", "a b; rm -rf /")));
    }

    @Test
    void withoutTheRequirementShellCharactersStayArguments() {
        // shelldir_notinterpreted: shellQuote: false has no effect without the requirement
        CommandLineTool tool = Fixtures.conformance("shellchar.cwl");
        assertFalse(tool.shellCommand());
        assertEquals(List.of("echo", "foo 1>&2"), CommandLineBuilder.build(tool, Map.of(), Fixtures.RUNTIME).argv());
    }

    @Test
    void asAHintItIsNotInEffect() {
        CommandLineTool tool = CwlParser.parseTool(tool("hints: {ShellCommandRequirement: {}}", "baseCommand: echo",
                "arguments: [{valueFrom: '>x', shellQuote: false}]", "inputs: []", "outputs: []"));
        assertFalse(tool.shellCommand());
        assertEquals(List.of("echo", ">x"), CommandLineBuilder.build(tool, Map.of(), Fixtures.RUNTIME).argv());
    }

    @Test
    void emptyAndSafeWords() {
        assertEquals("''", CommandLineBuilder.shellQuote(""));
        assertEquals("a/b.c-d_e", CommandLineBuilder.shellQuote("a/b.c-d_e"));
        assertEquals("'*'", CommandLineBuilder.shellQuote("*"));
    }

    @Test
    void fieldsOfARecordWithoutBindingSortAmongTheArguments() {
        // record_output_binding: irec has no inputBinding; its fields sit at positions 2 and 6,
        // between the arguments at 1, 3, 4, 5 and 7
        CommandLineTool tool = Fixtures.conformance("record-output.cwl");
        Map<String, Object> job = Map.of("irec", Map.of(
                "ifoo", Map.of("class", "File", "location", "whale.txt"),
                "ibar", Map.of("class", "File", "location", "hello.txt")));
        Map<String, Object> staged = Fixtures.stage(JobInputs.resolve(tool, job));
        assertEquals(List.of("/bin/sh", "-c", "cat /staged/whale.txt > foo && cat /staged/hello.txt > bar"),
                CommandLineBuilder.build(tool, staged, Fixtures.RUNTIME).argv());
    }
}
