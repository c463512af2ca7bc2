package io.cairn.cwl;

import java.util.List;
import java.util.Optional;

/** A CWL {@code Workflow}: typed inputs and outputs and the steps between them, in document order. */
public record Workflow(String id, String cwlVersion, String label, String doc, List<InputParameter> inputs,
                       List<WorkflowOutput> outputs, List<WorkflowStep> steps) implements CwlProcess {

    public Workflow {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        steps = List.copyOf(steps);
    }

    @Override
    public String cwlClass() {
        return "Workflow";
    }

    @Override
    public List<String> outputIds() {
        return outputs.stream().map(WorkflowOutput::id).toList();
    }

    public Optional<WorkflowStep> step(String stepId) {
        return steps.stream().filter(s -> s.id().equals(stepId)).findFirst();
    }
}
