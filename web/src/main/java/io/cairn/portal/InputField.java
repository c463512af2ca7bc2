package io.cairn.portal;

import io.cairn.cwl.CwlType;
import io.cairn.cwl.InputParameter;
import io.cairn.cwl.ParameterReferences;
import io.cairn.platform.JsonValues;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.primefaces.model.file.UploadedFile;
import org.primefaces.model.file.UploadedFiles;

/** One input of a tool's run form, typed after the CWL input it edits. */
public class InputField implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How the field is edited. */
    public enum Kind {
        TEXT, LIST, BOOLEAN, FILE, FILES;

        /**
         * The id of the HTML control that edits this kind in tool.xhtml, relative to its row, for
         * the label: the component id, plus {@code _input} where PrimeFaces wraps the native input.
         */
        public String getControlId() {
            String component = name().toLowerCase(Locale.ROOT);
            return this == TEXT || this == LIST ? component : component + "_input";
        }
    }

    private final String id;
    private final String typeName;
    private final String scalar;
    private final Kind kind;
    private final boolean required;
    private final String hint;
    private final String placeholder;
    private final String format;
    private String text;
    private boolean flag;
    private transient UploadedFile upload;
    private transient UploadedFiles uploads;

    InputField(InputParameter input) {
        CwlType type = input.type();
        this.id = input.id();
        // uploads are tagged with the parameter's format (the first, when it declares several), which Cairn checks
        this.format = input.format().stream().filter(f -> !ParameterReferences.mayContainReferences(f)).findFirst()
                .orElse(null);
        this.typeName = type.toString();
        boolean array = "array".equals(type.name());
        this.scalar = array ? type.items().name() : type.name();
        if ("File".equals(scalar)) {
            kind = array ? Kind.FILES : Kind.FILE;
        } else if (array) {
            kind = Kind.LIST;
        } else if ("boolean".equals(scalar)) {
            kind = Kind.BOOLEAN;
        } else {
            kind = Kind.TEXT;
        }
        Object defaultValue = input.defaultValue();
        this.required = !type.optional() && defaultValue == null;
        StringBuilder help = new StringBuilder();
        if (input.label() != null) {
            help.append(input.label()).append(". ");
        }
        if (input.doc() != null) {
            help.append(input.doc()).append(' ');
        }
        help.append(required ? "Required." : defaultValue != null ? "Default: " + JsonValues.write(defaultValue) + "." : "Optional.");
        if (format != null) {
            help.append(" Uploads are given the format ").append(format).append('.');
        }
        this.hint = help.toString();
        this.placeholder = defaultValue == null ? scalar : JsonValues.write(defaultValue);
        if (kind == Kind.BOOLEAN && defaultValue instanceof Boolean b) {
            flag = b;
        }
        if (kind == Kind.LIST && defaultValue instanceof List<?> list) {
            text = String.join("\n", list.stream().map(String::valueOf).toList());
        }
    }

    /** The format uploads for this input are given, or null. */
    public String getFormat() {
        return format;
    }

    public String getId() {
        return id;
    }

    public String getTypeName() {
        return typeName;
    }

    /** The CWL type of one value: string, int, long, float, double, boolean or File. */
    public String getScalar() {
        return scalar;
    }

    public Kind getKind() {
        return kind;
    }

    public boolean isRequired() {
        return required;
    }

    public String getHint() {
        return hint;
    }

    public String getPlaceholder() {
        return placeholder;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public boolean isFlag() {
        return flag;
    }

    public void setFlag(boolean flag) {
        this.flag = flag;
    }

    public UploadedFile getUpload() {
        return upload;
    }

    public void setUpload(UploadedFile upload) {
        this.upload = upload;
    }

    public UploadedFiles getUploads() {
        return uploads;
    }

    public void setUploads(UploadedFiles uploads) {
        this.uploads = uploads;
    }
}
