package io.cairn.cwl;

import static io.cairn.cwl.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** InplaceUpdateRequirement is accepted; with inplaceUpdate: true the tool is kept out of the call cache. */
class InplaceUpdateRequirementTest {

    @Test
    void inplaceUpdateIsReadAndTurnsReuseOff() {
        CommandLineTool tool = Fixtures.conformance("updateval_inplace.cwl");
        assertTrue(tool.inplaceUpdate());
        assertFalse(tool.workReuse());
        CommandLineTool off = CwlParser.parseTool(tool("baseCommand: x",
                "hints: {InplaceUpdateRequirement: {inplaceUpdate: false}}", "inputs: []", "outputs: []"));
        assertFalse(off.inplaceUpdate());
        assertTrue(off.workReuse());
        CommandLineTool hint = CwlParser.parseTool(tool("baseCommand: x",
                "hints: {InplaceUpdateRequirement: {inplaceUpdate: true}}", "inputs: []", "outputs: []"));
        assertTrue(hint.inplaceUpdate());
    }

    @Test
    void inplaceUpdateIsNeeded() {
        CwlException e = assertThrows(CwlException.class, () -> CwlParser.parseTool(tool("baseCommand: x",
                "requirements: {InplaceUpdateRequirement: {}}", "inputs: []", "outputs: []")));
        assertEquals(CwlException.Kind.MALFORMED, e.kind());
    }
}
