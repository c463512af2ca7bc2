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

    /** The step id of a process run on its own ({@link #wrapping}). */
    public static final String MAIN_STEP = "main";

    /**
     * A workflow of one step that runs the process, its inputs and outputs passed straight
     * through: how a process other than a CommandLineTool runs on its own.
     */
    public static Workflow wrapping(CwlProcess process) {
        List<StepInput> in = process.inputs().stream()
                .map(i -> new StepInput(i.id(), List.of(Source.input(i.id())), null, null, null, null)).toList();
        List<WorkflowOutput> outputs = process.outputIds().stream()
                .map(o -> new WorkflowOutput(o, CwlType.of("Any").asOptional(), List.of(Source.output(MAIN_STEP, o)),
                        null, null, null, null)).toList();
        WorkflowStep step = new WorkflowStep(MAIN_STEP, in, process.outputIds(), process, List.of(), null, null);
        return new Workflow(null, process.cwlVersion(), process.label(), process.doc(), process.inputs(), outputs,
                List.of(step));
    }

    public Optional<WorkflowStep> step(String stepId) {
        return steps.stream().filter(s -> s.id().equals(stepId)).findFirst();
    }
}
