package io.cairn.cwl;

import java.util.List;

/**
 * One {@code in} entry of a workflow step: its sources, merge and pick rules, default and
 * {@code valueFrom}.
 *
 * @param loadContents whether the first 64 KiB of each File of the value are read into its
 *                     {@code contents} before {@code valueFrom} is evaluated
 */
public record StepInput(String id, List<Source> sources, LinkMerge linkMerge, PickValue pickValue,
                        Object defaultValue, String valueFrom, boolean loadContents) {

    public StepInput {
        sources = List.copyOf(sources);
    }

    /** A step input that does not load contents. */
    public StepInput(String id, List<Source> sources, LinkMerge linkMerge, PickValue pickValue,
                     Object defaultValue, String valueFrom) {
        this(id, sources, linkMerge, pickValue, defaultValue, valueFrom, false);
    }
}
