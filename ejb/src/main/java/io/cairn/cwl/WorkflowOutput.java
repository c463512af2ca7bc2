package io.cairn.cwl;

import java.util.List;

/**
 * A workflow output: where its value comes from ({@code outputSource}) and how several sources
 * are merged and picked.
 */
public record WorkflowOutput(String id, CwlType type, List<Source> sources, LinkMerge linkMerge,
                             PickValue pickValue, String label, String doc) {

    public WorkflowOutput {
        sources = List.copyOf(sources);
    }
}
