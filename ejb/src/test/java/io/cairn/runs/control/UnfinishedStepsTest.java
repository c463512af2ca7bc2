package io.cairn.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnfinishedStepsTest {

    @Test
    void theStepOfAKeyDropsOnlyTrailingScatterIndexes() {
        assertEquals("align", UnfinishedSteps.step("align[3]"));
        assertEquals("align", UnfinishedSteps.step("align[3][12]"));
        assertEquals("qc[2]/count", UnfinishedSteps.step("qc[2]/count"));
        assertEquals("qc[2]/count", UnfinishedSteps.step("qc[2]/count[0]"));
        assertEquals("plain", UnfinishedSteps.step("plain"));
        assertEquals("odd[x]", UnfinishedSteps.step("odd[x]"));
        assertEquals("empty[]", UnfinishedSteps.step("empty[]"));
    }

    @Test
    void onlyTheLastInstanceOfAScatteredStepAsksForAPlan() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            keys.put("t" + i, "t[" + i + "]");
        }
        keys.put("other", "other");
        UnfinishedSteps steps = new UnfinishedSteps(keys);
        assertFalse(steps.end(List.of("t0")));
        assertFalse(steps.end(List.of("t2")));
        assertTrue(steps.end(List.of("t1")));
        assertTrue(steps.end(List.of("other")));
    }

    @Test
    void severalEndsAtOnceAskForAPlanWhenOneOfThemEndsItsStep() {
        UnfinishedSteps steps = new UnfinishedSteps(Map.of("a0", "a[0]", "a1", "a[1]", "b0", "b[0]", "b1", "b[1]"));
        assertFalse(steps.end(List.of("a0", "b0")));
        assertTrue(steps.end(List.of("a1")));
    }

    @Test
    void anInstanceNotKnownHereAsksForAPlanAndAnEndTwiceCountsOnce() {
        UnfinishedSteps steps = new UnfinishedSteps(Map.of("a0", "a[0]", "a1", "a[1]"));
        assertTrue(steps.end(List.of("stranger")));
        assertFalse(steps.end(List.of("a0")));
        assertTrue(steps.end(List.of("a0")));
        assertTrue(steps.end(List.of("a1")));
    }

    @Test
    void instancesOfOneScatteredSubworkflowElementAreTheirOwnSteps() {
        UnfinishedSteps steps = new UnfinishedSteps(Map.of("x", "sub[0]/inner", "y", "sub[1]/inner"));
        assertTrue(steps.end(List.of("x")));
        assertTrue(steps.end(List.of("y")));
    }

    @Test
    void wouldEndAStepLooksAheadWithoutTakingAnythingOff() {
        UnfinishedSteps steps = new UnfinishedSteps(Map.of("a0", "a[0]", "a1", "a[1]", "a2", "a[2]", "b0", "b[0]"));

        assertFalse(steps.wouldEndAStep(List.of("a0", "a1")));
        assertTrue(steps.wouldEndAStep(List.of("a0", "a1", "a2")), "the last three of a");
        assertTrue(steps.wouldEndAStep(List.of("b0")), "the only one of b");
        assertTrue(steps.wouldEndAStep(List.of("zz")), "unknown here");
        assertFalse(steps.end(List.of("a0", "a1")), "nothing was taken off by the looks");
        assertTrue(steps.wouldEndAStep(List.of("a2")));
    }
}
