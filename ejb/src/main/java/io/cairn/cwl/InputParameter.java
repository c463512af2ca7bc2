package io.cairn.cwl;

import java.util.List;

/**
 * An input of a CommandLineTool.
 *
 * @param id           short name, without a leading {@code #}
 * @param type         declared type ({@code stdin} inputs are given as {@code File})
 * @param defaultValue the {@code default} as plain Java values (Map/List/String/Long/Double/Boolean), or null
 * @param label        may be null
 * @param doc          may be null (a list of strings is joined with newlines)
 * @param format       declared formats, stored but not checked; empty when absent
 * @param binding      the parameter's {@code inputBinding}, or null
 */
public record InputParameter(String id, CwlType type, Object defaultValue, String label, String doc,
                             List<String> format, CommandLineBinding binding) {

    public InputParameter {
        format = format == null ? List.of() : List.copyOf(format);
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** True when the job may leave this input out. */
    public boolean isRequired() {
        return !type.optional() && !"null".equals(type.name()) && defaultValue == null;
    }
}
