package io.cairn.cwl;

import java.util.List;

/**
 * One {@code in} entry of a workflow step: its sources, merge and pick rules, default and
 * {@code valueFrom}.
 */
public record StepInput(String id, List<Source> sources, LinkMerge linkMerge, PickValue pickValue,
                        Object defaultValue, String valueFrom) {

    public StepInput {
        sources = List.copyOf(sources);
    }
}
