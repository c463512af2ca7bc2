package io.cairn.cwl;

/**
 * Where a value comes from in a workflow: an input of the workflow ({@code step == null}) or an
 * output of one of its steps.
 */
public record Source(String step, String id) {

    public static Source input(String id) {
        return new Source(null, id);
    }

    public static Source output(String step, String id) {
        return new Source(step, id);
    }

    public boolean isWorkflowInput() {
        return step == null;
    }

    @Override
    public String toString() {
        return step == null ? id : step + "/" + id;
    }
}
