package io.cairn.api;

import io.cairn.compute.PoolKinds;
import io.cairn.health.PoolHealthMonitor;
import io.cairn.platform.JsonValues;
import io.cairn.platform.Problem;
import io.cairn.pools.boundary.Pools;
import io.cairn.pools.control.ComputeGateway;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compute pools with kind, slots, load and health; pools stored in the database are defined, changed and removed
 * here, and are usable at once. Secrets are given as the names of password aliases (or config properties), never as
 * values, and only those names are ever returned.
 */
@Path("v1/pools")
@Produces(MediaType.APPLICATION_JSON)
public class PoolsResource {

    /** Looked up once (see {@link JsonValues#provider()}). */
    private static final JsonProvider JSON = JsonValues.provider();

    private static final Set<String> FIELDS = Set.of("name", "kind", "properties", "secrets");

    @Inject
    Pools pools;

    @Inject
    PoolHealthMonitor health;

    @Context
    UriInfo uri;

    @GET
    public JsonObject list() {
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (Pools.PoolView pool : pools.list()) {
            items.add(json(pool));
        }
        return JSON.createObjectBuilder().add("items", items).build();
    }

    @GET
    @Path("{name}")
    public JsonObject one(@PathParam("name") String name) {
        return json(pools.find(name).orElseThrow(() -> Problem.notFound("there is no pool named '" + name + "'")));
    }

    /** The kinds pools can be made of, each with its properties (name, type, default, description, secret). */
    @GET
    @Path("kinds")
    public JsonObject kinds() {
        JsonObjectBuilder kinds = JSON.createObjectBuilder();
        pools.kinds().forEach((kind, properties) -> {
            JsonArrayBuilder list = JSON.createArrayBuilder();
            for (PoolKinds.Property p : properties) {
                JsonObjectBuilder property = JSON.createObjectBuilder()
                        .add("name", p.name())
                        .add("type", p.type())
                        .add("description", p.description())
                        .add("secret", p.secret());
                if (p.defaultValue() != null) {
                    property.add("default", p.defaultValue());
                }
                list.add(property);
            }
            kinds.add(kind, JSON.createObjectBuilder().add("properties", list));
        });
        return JSON.createObjectBuilder().add("kinds", kinds).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        Map<?, ?> map = object(body);
        Object name = map.get("name");
        if (!(name instanceof String)) {
            throw Problem.badRequest("'name' must be the new pool's name (a string)");
        }
        Pools.PoolView created = pools.create((String) name, definition(map));
        health.refresh();
        return Response.created(uri.getBaseUriBuilder().path("v1/pools/{name}").build(created.name()))
                .entity(json(created)).build();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject update(@PathParam("name") String name, String body) {
        Map<?, ?> map = object(body);
        if (map.containsKey("name") && !name.equals(map.get("name"))) {
            throw Problem.badRequest("'name' in the body (" + JsonValues.write(map.get("name"))
                    + ") differs from the pool in the path ('" + name + "'); pools cannot be renamed");
        }
        Pools.PoolView updated = pools.update(name, definition(map));
        health.refresh();
        return json(updated);
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        pools.delete(name);
        health.refresh();
        return Response.noContent().build();
    }

    private static Map<?, ?> object(String body) {
        String example = "{\"name\": \"NAME\", \"kind\": \"docker\", \"properties\": {\"slots\": \"4\"},"
                + " \"secrets\": {\"PROPERTY\": \"ALIAS\"}}";
        if (body == null || body.isBlank()) {
            throw Problem.badRequest("the request body is empty: send " + example);
        }
        if (!(JsonValues.parse(body, "the request body") instanceof Map<?, ?> map)) {
            throw Problem.badRequest("the request body must be a JSON object like " + example);
        }
        for (Object key : map.keySet()) {
            if (!FIELDS.contains(key)) {
                throw Problem.badRequest("unknown field '" + key + "' in the request; fields: name, kind, properties,"
                        + " secrets");
            }
        }
        return map;
    }

    private static Pools.Definition definition(Map<?, ?> map) {
        Object kind = map.get("kind");
        if (!(kind instanceof String)) {
            throw Problem.badRequest("'kind' must be a pool kind (a string; GET /api/v1/pools/kinds lists them)");
        }
        return new Pools.Definition((String) kind, texts(map.get("properties"), "properties"),
                texts(map.get("secrets"), "secrets"));
    }

    /** A JSON object of scalars as text (numbers and booleans are accepted as what they read as). */
    private static Map<String, String> texts(Object value, String field) {
        Map<String, String> texts = new LinkedHashMap<>();
        if (value == null) {
            return texts;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw Problem.badRequest("'" + field + "' must be a JSON object of names to values, was "
                    + JsonValues.write(value));
        }
        map.forEach((k, v) -> {
            if (v instanceof Map || v instanceof List || v == null) {
                throw Problem.badRequest(field + "." + k + " must be a string, number or boolean, was "
                        + JsonValues.write(v));
            }
            texts.put(String.valueOf(k), String.valueOf(v));
        });
        return texts;
    }

    private static JsonObject json(Pools.PoolView pool) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("name", pool.name())
                .add("kind", pool.kind())
                .add("health", pool.up() ? "UP" : "DOWN")
                .add("slots", pool.slots())
                .add("running", pool.running())
                .add("queued", pool.queued())
                .add("detail", pool.detail() == null ? "" : pool.detail())
                .add("source", pool.source() == null ? "unknown" : pool.source().name().toLowerCase().replace('_', '-'));
        if (pool.source() == ComputeGateway.Source.API) {
            JsonObjectBuilder properties = JSON.createObjectBuilder();
            pool.properties().forEach(properties::add);
            JsonObjectBuilder secrets = JSON.createObjectBuilder();
            pool.secrets().forEach(secrets::add);
            json.add("properties", properties).add("secrets", secrets);
        }
        return json.build();
    }
}
