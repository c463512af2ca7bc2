package io.cairn.cwl;

import java.util.List;

/**
 * An output of a CommandLineTool. A {@code stdout}/{@code stderr} output has type {@code File},
 * no globs and the matching {@link #streamKind()}. An output with neither globs nor a stream
 * kind takes its value from {@code cwl.output.json}.
 *
 * @param globs raw glob patterns from {@code outputBinding.glob}, may contain parameter references
 */
public record OutputParameter(String id, CwlType type, List<String> globs, String label, String doc,
                              List<String> format, StreamKind streamKind) {

    /** Whether the output is a captured standard stream. */
    public enum StreamKind { NONE, STDOUT, STDERR }

    public OutputParameter {
        globs = globs == null ? List.of() : List.copyOf(globs);
        format = format == null ? List.of() : List.copyOf(format);
        streamKind = streamKind == null ? StreamKind.NONE : streamKind;
    }
}
