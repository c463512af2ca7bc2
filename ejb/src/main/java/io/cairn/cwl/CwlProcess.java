package io.cairn.cwl;

import java.util.List;

/**
 * A runnable CWL process: a {@link CommandLineTool} or a {@link Workflow}. Workflow steps run
 * one of these; the registry stores both.
 */
public interface CwlProcess {

    /** {@code CommandLineTool} or {@code Workflow}. */
    String cwlClass();

    String cwlVersion();

    String label();

    String doc();

    List<InputParameter> inputs();

    /** The ids of the outputs, in declaration order. */
    List<String> outputIds();
}
