package io.cairn.api;

import io.cairn.cwl.CwlProcess;
import io.cairn.cwl.InputParameter;
import io.cairn.platform.JsonValues;
import io.cairn.tools.boundary.ToolCatalog;
import io.cairn.tools.entity.Tool;
import io.cairn.tools.entity.ToolVersion;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/**
 * The registry's REST face, shared by tools ({@link ToolsResource}) and workflows
 * ({@link WorkflowsResource}): register, list, versions, one version.
 */
@Produces(MediaType.APPLICATION_JSON)
public abstract class RegistryResource {

    /** Looked up once (see {@link JsonValues#provider()}). */
    private static final JsonProvider JSON = JsonValues.provider();

    /** {@link ToolCatalog#TOOL} or {@link ToolCatalog#WORKFLOW}. */
    protected abstract String kind();

    /** The path segment below {@code v1/}: {@code tools} or {@code workflows}. */
    protected abstract String segment();

    @Inject
    protected ToolCatalog catalog;

    @Context
    protected UriInfo uri;

    /**
     * Registers a CWL document (YAML or JSON) under a name. New content answers 201 with the new
     * version; content identical to an existing version answers 200 with that version.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response register(@QueryParam("name") String name, String document) {
        ToolCatalog.Registration registration;
        try {
            registration = catalog.register(kind(), name, document);
        } catch (jakarta.ejb.EJBException e) {
            if (!rolledBack(e)) {
                throw e;
            }
            // Two first registrations of one name at once: both inserted the name, the later
            // commit failed on its key. Now the name exists, and a second attempt adds to it (or
            // finds the same content).
            registration = catalog.register(kind(), name, document);
        }
        ToolVersion version = registration.version();
        URI location = uri.getBaseUriBuilder().path("v1/" + segment() + "/{name}/versions/{version}")
                .build(version.getToolName(), version.getVersion());
        JsonObject body = versionJson(version, false);
        return registration.created()
                ? Response.created(location).entity(body).build()
                : Response.ok(body).location(location).build();
    }

    private static boolean rolledBack(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof jakarta.transaction.RollbackException) {
                return true;
            }
        }
        return false;
    }

    @GET
    public JsonObject list() {
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (Tool tool : catalog.tools(kind())) {
            items.add(JSON.createObjectBuilder()
                    .add("name", tool.getName())
                    .add("latest", tool.getLatest())
                    .add("updatedAt", tool.getUpdatedAt().toString()));
        }
        return JSON.createObjectBuilder().add("items", items).build();
    }

    @GET
    @Path("{name}")
    public JsonObject tool(@PathParam("name") String name) {
        JsonArrayBuilder versions = JSON.createArrayBuilder();
        var all = catalog.versions(kind(), name);
        all.forEach(v -> versions.add(JSON.createObjectBuilder()
                .add("version", v.getVersion())
                .add("sha256", v.getSha256())
                .add("createdAt", v.getCreatedAt().toString())));
        return JSON.createObjectBuilder()
                .add("name", name)
                .add("latest", all.get(0).getVersion())
                .add("versions", versions)
                .build();
    }

    @GET
    @Path("{name}/versions/{version}")
    public JsonObject version(@PathParam("name") String name, @PathParam("version") int version) {
        return versionJson(catalog.version(kind(), name, version), true);
    }

    private JsonObject versionJson(ToolVersion version, boolean withDocument) {
        CwlProcess tool = catalog.process(version);
        JsonArrayBuilder inputs = JSON.createArrayBuilder();
        for (InputParameter input : tool.inputs()) {
            JsonObjectBuilder in = JSON.createObjectBuilder()
                    .add("id", input.id())
                    .add("type", input.type().toString());
            if (input.defaultValue() != null) {
                in.add("default", JsonValues.toJson(input.defaultValue()));
            }
            if (input.label() != null) {
                in.add("label", input.label());
            }
            if (input.doc() != null) {
                in.add("doc", input.doc());
            }
            inputs.add(in);
        }
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("name", version.getToolName())
                .add("version", version.getVersion())
                .add("id", version.getId())
                .add("sha256", version.getSha256())
                .add("createdAt", version.getCreatedAt().toString())
                .add("class", tool.cwlClass())
                .add("inputs", inputs)
                .add("outputs", JSON.createArrayBuilder(tool.outputIds()));
        if (version.getLabel() != null) {
            body.add("label", version.getLabel());
        }
        if (withDocument) {
            body.add("document", version.getDocument());
        }
        return body.build();
    }
}
