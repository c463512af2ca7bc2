package io.cairn.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlParser;
import org.junit.jupiter.api.Test;

class InputFieldTest {

    private static final CommandLineTool TOOL = CwlParser.parseTool("""
            cwlVersion: v1.2
            class: CommandLineTool
            $namespaces: {edam: "http://edamontology.org/"}
            baseCommand: cat
            inputs:
              reads: {type: File, format: [edam:format_1930, edam:format_1929]}
              plain: File
              derived: {type: "File[]", format: $(inputs.reads.format)}
            outputs: []
            """);

    private static InputField field(String id) {
        return new InputField(TOOL.inputs().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow());
    }

    @Test
    void uploadsGetTheFirstDeclaredFormatExpanded() {
        InputField reads = field("reads");
        assertEquals("http://edamontology.org/format_1930", reads.getFormat());
        assertTrue(reads.getHint().contains("given the format http://edamontology.org/format_1930"), reads.getHint());
    }

    @Test
    void noFormatWhenNoneIsDeclaredOrItIsAnExpression() {
        assertNull(field("plain").getFormat());
        assertNull(field("derived").getFormat());
    }
}
