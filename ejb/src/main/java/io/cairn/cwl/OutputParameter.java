package io.cairn.cwl;

import java.util.List;

/**
 * An output of a CommandLineTool. A {@code stdout}/{@code stderr} output has type {@code File},
 * no globs and the matching {@link #streamKind()}. An output with neither globs nor a stream
 * kind takes its value from {@code cwl.output.json}.
 *
 * @param globs        raw glob patterns from {@code outputBinding.glob}, may contain parameter references
 * @param loadContents whether the first 64 KiB of each matched File are read into its {@code contents}
 * @param outputEval   raw {@code outputBinding.outputEval} (parameter references, {@code self} is the
 *                     list of matches), or null
 * @param secondaryFiles files collected beside each output File; empty when none
 */
public record OutputParameter(String id, CwlType type, List<String> globs, String label, String doc,
                              List<String> format, StreamKind streamKind, boolean loadContents,
                              String outputEval, List<SecondaryFile> secondaryFiles) {

    /** An output without secondaryFiles. */
    public OutputParameter(String id, CwlType type, List<String> globs, String label, String doc,
                           List<String> format, StreamKind streamKind, boolean loadContents, String outputEval) {
        this(id, type, globs, label, doc, format, streamKind, loadContents, outputEval, List.of());
    }

    /** An output without loadContents and outputEval. */
    public OutputParameter(String id, CwlType type, List<String> globs, String label, String doc,
                           List<String> format, StreamKind streamKind) {
        this(id, type, globs, label, doc, format, streamKind, false, null, List.of());
    }

    /** Whether the value is computed here (globs or outputEval) rather than read from {@code cwl.output.json}. */
    public boolean hasBinding() {
        return !globs.isEmpty() || outputEval != null || streamKind != StreamKind.NONE;
    }

    /** Whether the output is a captured standard stream. */
    public enum StreamKind { NONE, STDOUT, STDERR }

    public OutputParameter {
        globs = globs == null ? List.of() : List.copyOf(globs);
        format = format == null ? List.of() : List.copyOf(format);
        streamKind = streamKind == null ? StreamKind.NONE : streamKind;
        secondaryFiles = secondaryFiles == null ? List.of() : List.copyOf(secondaryFiles);
    }
}
