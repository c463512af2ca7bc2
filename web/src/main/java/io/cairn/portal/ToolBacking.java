package io.cairn.portal;

import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.InputParameter;
import io.cairn.cwl.Workflow;
import io.cairn.files.boundary.FileStore;
import io.cairn.files.entity.StoredFile;
import io.cairn.platform.Problem;
import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.batch.RunJobs;
import io.cairn.runs.boundary.RunRequest;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.entity.Run;
import io.cairn.tools.boundary.ToolCatalog;
import io.cairn.tools.entity.ToolVersion;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.primefaces.model.file.UploadedFile;

/** A tool's or a workflow's page: its document and a run form generated from its CWL inputs. */
@Named
@ViewScoped
public class ToolBacking implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    ToolCatalog catalog;

    @Inject
    Runs runs;

    @Inject
    RunJobs jobs;

    @Inject
    FileStore files;

    @Inject
    ComputeGateway gateway;

    private String name;
    private Integer version;
    private boolean workflow;
    private boolean found;
    private String problem;
    private String label;
    private String document;
    private String pool;
    private List<String> pools = List.of();
    private final List<InputField> fields = new ArrayList<>();

    public void load() {
        if (found) {
            return;
        }
        try {
            List<InputParameter> inputs;
            ToolVersion tool;
            if (workflow) {
                tool = catalog.version(ToolCatalog.WORKFLOW, name, version);
                Workflow parsed = catalog.workflow(tool);
                label = parsed.label();
                inputs = parsed.inputs();
            } else {
                tool = catalog.version(name, version);
                CommandLineTool parsed = catalog.parsed(tool);
                label = parsed.label();
                inputs = parsed.inputs();
            }
            version = tool.getVersion();
            document = tool.getDocument();
            inputs.forEach(input -> fields.add(new InputField(input)));
            pools = gateway.poolNames();
            pool = pools.contains("local") || pools.isEmpty() ? "local" : pools.get(0);
            found = true;
        } catch (RuntimeException e) {
            problem = Messages.reason(e);
        }
    }

    /** The page of a workflow: the same form, for a Workflow of the registry. */
    public void loadWorkflow() {
        workflow = true;
        load();
    }

    /** Submits the form as a run and opens the run's page. */
    public String run() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (InputField field : fields) {
            try {
                Object value = value(field);
                if (value != null) {
                    inputs.put(field.getId(), value);
                }
            } catch (IllegalArgumentException e) {
                errors.add(field.getId() + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(error -> Messages.error("Check the form", error));
            return null;
        }
        try {
            Run run = runs.create(new RunRequest(name, version, inputs, pool, workflow));
            jobs.start(run.getId());
            return "/run?faces-redirect=true&id=" + run.getId();
        } catch (RuntimeException e) {
            Messages.error("Not started", Messages.reason(e));
            return null;
        }
    }

    private Object value(InputField field) {
        switch (field.getKind()) {
            case BOOLEAN:
                return field.isFlag();
            case FILE:
                return field.getUpload() == null || field.getUpload().getSize() == 0 && blank(field.getUpload().getFileName())
                        ? null : store(field.getUpload(), field.getFormat());
            case FILES:
                if (field.getUploads() == null || field.getUploads().getFiles().isEmpty()) {
                    return null;
                }
                List<Object> stored = new ArrayList<>();
                field.getUploads().getFiles().forEach(f -> stored.add(store(f, field.getFormat())));
                return stored;
            case LIST:
                if (blank(field.getText())) {
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (String line : field.getText().split("\\R")) {
                    if (!line.isBlank()) {
                        items.add(scalar(field.getScalar(), line.trim()));
                    }
                }
                return items;
            default:
                return blank(field.getText()) ? null : scalar(field.getScalar(), field.getText().trim());
        }
    }

    private Map<String, Object> store(UploadedFile upload, String format) {
        try (InputStream in = upload.getInputStream()) {
            StoredFile stored = files.store(in, FileStore.checkBasename(upload.getFileName()));
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("class", "File");
            file.put("location", FileStore.location(stored));
            if (format != null) {
                file.put("format", format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Problem e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static Object scalar(String type, String text) {
        switch (type) {
            case "int":
            case "long":
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a whole number");
                }
            case "float":
            case "double":
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a number");
                }
            default:
                return text;
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getVersion() {
        return version;
    }

    public void setVersion(Integer version) {
        this.version = version;
    }

    public boolean isWorkflow() {
        return workflow;
    }

    public boolean isFound() {
        return found;
    }

    public String getProblem() {
        return problem;
    }

    public String getLabel() {
        return label;
    }

    public String getDocument() {
        return document;
    }

    public List<InputField> getFields() {
        return fields;
    }

    public String getPool() {
        return pool;
    }

    public void setPool(String pool) {
        this.pool = pool;
    }

    public List<String> getPools() {
        return pools;
    }
}
