package io.cairn.runs.control;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The step instances of a workflow run that have not ended, counted per step: an instance's step is its key without
 * the trailing scatter indexes ({@code align[3]} and {@code align[4]} are of {@code align}; {@code qc[2]/count} is a
 * step of its own). A step's outputs, and so whatever waits for them, are complete only once its last instance
 * ended, so the dispatcher plans again after an end only when that end was the last of its step. This keeps a wide
 * scatter from being planned once per instance (which costs the width of the scatter each time).
 */
public final class UnfinishedSteps {

    private final Map<String, String> stepOf = new HashMap<>();
    private final Map<String, Integer> left = new HashMap<>();

    /** @param keys the key of every unfinished instance, by instance id */
    public UnfinishedSteps(Map<String, String> keys) {
        keys.forEach((id, key) -> {
            String step = step(key);
            stepOf.put(id, step);
            left.merge(step, 1, Integer::sum);
        });
    }

    /**
     * Takes these ended instances off.
     *
     * @return whether one of them was the last unfinished instance of its step, or is not known here: then planning
     *         again may find steps ready
     */
    public boolean end(Collection<String> stepIds) {
        boolean stepDone = false;
        for (String id : stepIds) {
            String step = stepOf.remove(id);
            if (step == null) {
                stepDone = true;
                continue;
            }
            int n = left.merge(step, -1, Integer::sum);
            if (n <= 0) {
                left.remove(step);
                stepDone = true;
            }
        }
        return stepDone;
    }

    /**
     * Whether taking these ended instances off would end a step (or they are not known here), without taking them
     * off: the dispatcher records ends in batches, but not past one that may make other steps ready.
     */
    public boolean wouldEndAStep(Collection<String> stepIds) {
        Map<String, Integer> ending = new HashMap<>();
        for (String id : stepIds) {
            String step = stepOf.get(id);
            if (step == null || ending.merge(step, 1, Integer::sum) >= left.getOrDefault(step, 0)) {
                return true;
            }
        }
        return false;
    }

    /** The step of an instance key: the key without its trailing {@code [i]} parts. */
    static String step(String key) {
        int end = key.length();
        while (end > 0 && key.charAt(end - 1) == ']') {
            int open = key.lastIndexOf('[', end - 1);
            if (open < 0 || open + 1 == end - 1 || !key.substring(open + 1, end - 1).chars().allMatch(Character::isDigit)) {
                break;
            }
            end = open;
        }
        return key.substring(0, end);
    }
}
