package io.cairn.api;

import io.cairn.tools.boundary.ToolCatalog;
import jakarta.ws.rs.Path;

/** The tool registry: CWL CommandLineTools, versioned by content. */
@Path("v1/tools")
public class ToolsResource extends RegistryResource {

    @Override
    protected String kind() {
        return ToolCatalog.TOOL;
    }

    @Override
    protected String segment() {
        return "tools";
    }
}
