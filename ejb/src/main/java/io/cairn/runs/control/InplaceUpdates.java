package io.cairn.runs.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The in-place updates of a workflow run (InplaceUpdateRequirement): a step instance whose tool
 * has {@code inplaceUpdate: true} records, with its outputs under {@link #KEY}, each File or
 * Directory it was given as a writable InitialWorkDir entry ({@code old}) and what that entry held
 * when the tool ended ({@code new}, stored like an output). Cairn never changes a stored file, so
 * the update is made visible the other way round: wherever the run's values (its inputs and the
 * outputs of its finished steps) hold the old File (same {@code location}) or Directory (the same
 * value), they hold the new one from then on, as if the tool had changed the file everyone
 * refers to. Updates apply in the order the steps ended, so a chain of them ends at the last.
 */
final class InplaceUpdates {

    /** Where a step instance's outputs carry its in-place updates; never an output id (it has a colon). */
    static final String KEY = "cairn:inplaceUpdates";

    private final List<Map<?, ?>> olds = new ArrayList<>();
    private final List<Map<?, ?>> news = new ArrayList<>();

    /** Removes the step's in-place updates from its outputs (modified) and keeps them, after those taken before. */
    void take(Map<String, Object> outputs) {
        if (outputs.remove(KEY) instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> update && update.get("old") instanceof Map<?, ?> old
                        && update.get("new") instanceof Map<?, ?> updated) {
                    olds.add(old);
                    news.add(updated);
                }
            }
        }
    }

    boolean isEmpty() {
        return olds.isEmpty();
    }

    /** A copy of the value with every update applied, in order. */
    @SuppressWarnings("unchecked")
    <T> T applyTo(T value) {
        Object out = value;
        for (int i = 0; i < olds.size(); i++) {
            out = replace(out, olds.get(i), news.get(i));
        }
        return (T) out;
    }

    private static Object replace(Object value, Map<?, ?> old, Map<?, ?> updated) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(replace(v, old, updated)));
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (same(map, old)) {
            Map<String, Object> out = new LinkedHashMap<>();
            updated.forEach((k, v) -> out.put(String.valueOf(k), v));
            if ("File".equals(map.get("class")) && map.get("basename") instanceof String b) {
                out.put("basename", b); // the name this value gave it stays
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), replace(v, old, updated)));
        return out;
    }

    /** The same File (by location) or Directory (by location, else the whole value). */
    private static boolean same(Map<?, ?> value, Map<?, ?> old) {
        Object cls = old.get("class");
        if (!Objects.equals(cls, value.get("class")) || !("File".equals(cls) || "Directory".equals(cls))) {
            return false;
        }
        if (old.get("location") instanceof String location) {
            return location.equals(value.get("location"));
        }
        return "Directory".equals(cls) && old.equals(value);
    }
}
