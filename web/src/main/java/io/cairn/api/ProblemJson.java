package io.cairn.api;

import io.cairn.platform.JsonValues;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 problem documents. */
final class ProblemJson {

    /** Looked up once (see {@link JsonValues#provider()}). */
    private static final JsonProvider JSON = JsonValues.provider();

    static final String MEDIA_TYPE = "application/problem+json";

    private ProblemJson() {
    }

    static Response response(int status, String title, String detail, String instance) {
        return response(status, null, title, detail, instance);
    }

    static Response response(int status, String type, String title, String detail, String instance) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("type", type == null ? "about:blank" : type)
                .add("title", title)
                .add("status", status);
        if (detail != null) {
            body.add("detail", detail);
        }
        if (instance != null) {
            body.add("instance", instance);
        }
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(body.build().toString()).build();
    }
}
