package io.cairn.cwl;

import java.util.ArrayList;
import java.util.List;

/** How the values of several sources become one value ({@code linkMerge}). */
public enum LinkMerge {
    /** A list with one entry per source (the default). */
    MERGE_NESTED("merge_nested"),
    /** Sources that are lists are concatenated; single values are appended. */
    MERGE_FLATTENED("merge_flattened");

    private final String cwlName;

    LinkMerge(String cwlName) {
        this.cwlName = cwlName;
    }

    public String cwlName() {
        return cwlName;
    }

    static LinkMerge of(String name) {
        for (LinkMerge m : values()) {
            if (m.cwlName.equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** Merges the values of several sources, in source order. */
    public Object merge(List<Object> values) {
        List<Object> out = new ArrayList<>();
        for (Object v : values) {
            if (this == MERGE_FLATTENED && v instanceof List<?> list) {
                out.addAll(list);
            } else {
                out.add(v);
            }
        }
        return out;
    }
}
