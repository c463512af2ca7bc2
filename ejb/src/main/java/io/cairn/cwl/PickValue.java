package io.cairn.cwl;

import java.util.ArrayList;
import java.util.List;

/** How the non-null values of merged sources are picked ({@code pickValue}). */
public enum PickValue {
    FIRST_NON_NULL("first_non_null"),
    THE_ONLY_NON_NULL("the_only_non_null"),
    ALL_NON_NULL("all_non_null");

    private final String cwlName;

    PickValue(String cwlName) {
        this.cwlName = cwlName;
    }

    public String cwlName() {
        return cwlName;
    }

    static PickValue of(String name) {
        for (PickValue p : values()) {
            if (p.cwlName.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Applies the rule to a merged value (a list, or a single value for one source).
     *
     * @param where for the error message
     * @throws CwlException INVALID when the rule cannot be met (no value, or several for the_only_non_null)
     */
    public Object pick(Object merged, String where) {
        List<Object> candidates = new ArrayList<>();
        if (merged instanceof List<?> list) {
            for (Object v : list) {
                if (v != null) {
                    candidates.add(v);
                }
            }
        } else if (merged != null) {
            candidates.add(merged);
        }
        switch (this) {
            case ALL_NON_NULL:
                return candidates;
            case FIRST_NON_NULL:
                if (candidates.isEmpty()) {
                    throw CwlException.invalid("pickValue first_non_null found no value that is not null", where, null);
                }
                return candidates.get(0);
            default:
                if (candidates.size() != 1) {
                    throw CwlException.invalid("pickValue the_only_non_null needs exactly one value that is not null, found "
                            + candidates.size(), where, null);
                }
                return candidates.get(0);
        }
    }
}
