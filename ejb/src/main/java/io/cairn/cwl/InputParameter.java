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
 * @param loadContents whether the first 64 KiB of each File of this input are read into its
 *                     {@code contents} ({@code loadContents} on the parameter or its inputBinding)
 * @param secondaryFiles files that must (or may) accompany each File of this input; empty when none
 */
public record InputParameter(String id, CwlType type, Object defaultValue, String label, String doc,
                             List<String> format, CommandLineBinding binding, boolean loadContents,
                             List<SecondaryFile> secondaryFiles) {

    public InputParameter {
        format = format == null ? List.of() : List.copyOf(format);
        secondaryFiles = secondaryFiles == null ? List.of() : List.copyOf(secondaryFiles);
    }

    /** An input without secondaryFiles. */
    public InputParameter(String id, CwlType type, Object defaultValue, String label, String doc,
                          List<String> format, CommandLineBinding binding, boolean loadContents) {
        this(id, type, defaultValue, label, doc, format, binding, loadContents, List.of());
    }

    /** An input that does not load contents. */
    public InputParameter(String id, CwlType type, Object defaultValue, String label, String doc,
                          List<String> format, CommandLineBinding binding) {
        this(id, type, defaultValue, label, doc, format, binding, false, List.of());
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** True when the job may leave this input out. */
    public boolean isRequired() {
        return !type.optional() && !"null".equals(type.name()) && defaultValue == null;
    }
}
