package io.cairn.cwl;

import java.util.List;

/**
 * A step of a workflow: the process it runs, how its inputs are wired, which outputs it exposes,
 * and whether it scatters or runs only {@code when} a condition holds.
 *
 * @param scatter       the ids of the step inputs scattered over; empty when the step does not scatter
 * @param scatterMethod {@code dotproduct}, {@code nested_crossproduct} or {@code flat_crossproduct}; null without scatter
 * @param when          the condition (an expression), or null
 */
public record WorkflowStep(String id, List<StepInput> in, List<String> out, CwlProcess run, List<String> scatter,
                           ScatterMethod scatterMethod, String when) {

    public WorkflowStep {
        in = List.copyOf(in);
        out = List.copyOf(out);
        scatter = List.copyOf(scatter);
    }

    /** How several scattered inputs combine. */
    public enum ScatterMethod {
        DOTPRODUCT("dotproduct"), NESTED_CROSSPRODUCT("nested_crossproduct"), FLAT_CROSSPRODUCT("flat_crossproduct");

        private final String cwlName;

        ScatterMethod(String cwlName) {
            this.cwlName = cwlName;
        }

        public String cwlName() {
            return cwlName;
        }

        static ScatterMethod of(String name) {
            for (ScatterMethod m : values()) {
                if (m.cwlName.equals(name)) {
                    return m;
                }
            }
            return null;
        }
    }
}
