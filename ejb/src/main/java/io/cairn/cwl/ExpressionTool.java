package io.cairn.cwl;

import java.util.List;

/**
 * A CWL {@code ExpressionTool}: its outputs are the object its {@code expression} returns, worked
 * out by Cairn itself, without a backend task.
 *
 * @param outputs       the declared outputs (id and type)
 * @param expressionLib the {@code InlineJavascriptRequirement.expressionLib} entries, in order
 */
public record ExpressionTool(String id, String cwlVersion, String label, String doc, List<InputParameter> inputs,
                             List<Output> outputs, String expression, List<String> expressionLib)
        implements CwlProcess {

    /** A declared output of an expression tool. */
    public record Output(String id, CwlType type) {
    }

    public ExpressionTool {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        expressionLib = List.copyOf(expressionLib);
    }

    @Override
    public String cwlClass() {
        return "ExpressionTool";
    }

    @Override
    public List<String> outputIds() {
        return outputs.stream().map(Output::id).toList();
    }
}
