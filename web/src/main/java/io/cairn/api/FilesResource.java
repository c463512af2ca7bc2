package io.cairn.api;

import io.cairn.files.boundary.FileStore;
import io.cairn.files.entity.StoredFile;
import io.cairn.platform.JsonValues;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
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
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/** Uploads and downloads of files in the content-addressed store. */
@Path("v1/files")
public class FilesResource {

    /** Looked up once (see {@link JsonValues#provider()}). */
    private static final JsonProvider JSON = JsonValues.provider();

    @Inject
    FileStore store;

    @Context
    UriInfo uri;

    /** Stores the raw request body; the answer's {@code location} is usable as a CWL File input. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@QueryParam("name") String name, InputStream body) {
        FileStore.checkBasename(name);
        StoredFile file = store.store(body, name);
        String location = Locations.absolute(uri, FileStore.location(file));
        JsonObject json = JSON.createObjectBuilder()
                .add("class", "File")
                .add("location", location)
                .add("basename", file.getBasename())
                .add("checksum", file.checksum())
                .add("size", file.getSize())
                .build();
        return Response.created(URI.create(location)).entity(json).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response download(@PathParam("id") String id) {
        StoredFile file = store.find(id);
        String encoded = URLEncoder.encode(file.getBasename(), StandardCharsets.UTF_8).replace("+", "%20");
        return Response.ok(store.blob(file).toFile())
                .header("Content-Disposition", "attachment; filename*=UTF-8''" + encoded)
                .header("Content-Length", file.getSize())
                .header("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(file.getSha256())))
                .build();
    }
}
