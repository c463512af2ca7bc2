package io.cairn.portal;

import io.cairn.tools.boundary.ToolCatalog;
import io.cairn.tools.entity.Tool;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;

/** The workflows page: the registry's workflows and a form to register one (a single or a packed document). */
@Named
@RequestScoped
public class WorkflowsBacking {

    @Inject
    ToolCatalog catalog;

    private String name;
    private String document;
    private List<Tool> workflows;

    public List<Tool> getWorkflows() {
        if (workflows == null) {
            workflows = catalog.tools(ToolCatalog.WORKFLOW);
        }
        return workflows;
    }

    /** Registers the pasted document and opens the workflow's page. */
    public String register() {
        try {
            ToolCatalog.Registration registration = catalog.register(ToolCatalog.WORKFLOW,
                    name == null ? null : name.trim(), document);
            int version = registration.version().getVersion();
            Messages.info(registration.created() ? "Registered" : "Already registered",
                    name + " version " + version + (registration.created() ? " was created." : " has exactly this content."));
            return "/workflow?faces-redirect=true&name=" + registration.version().getToolName() + "&version=" + version;
        } catch (RuntimeException e) {
            Messages.error("Not registered", Messages.reason(e));
            return null;
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDocument() {
        return document;
    }

    public void setDocument(String document) {
        this.document = document;
    }
}
