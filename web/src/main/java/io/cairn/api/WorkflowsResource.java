package io.cairn.api;

import io.cairn.tools.boundary.ToolCatalog;
import jakarta.ws.rs.Path;

/**
 * The workflow registry: CWL Workflows, versioned by content like tools. A workflow's steps run
 * processes given inline; documents that refer to other files are packed first.
 */
@Path("v1/workflows")
public class WorkflowsResource extends RegistryResource {

    @Override
    protected String kind() {
        return ToolCatalog.WORKFLOW;
    }

    @Override
    protected String segment() {
        return "workflows";
    }
}
