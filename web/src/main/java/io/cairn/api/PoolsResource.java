package io.cairn.api;

import io.cairn.pools.boundary.Pools;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The compute pools with kind, slots, load and health. */
@Path("v1/pools")
@Produces(MediaType.APPLICATION_JSON)
public class PoolsResource {

    @Inject
    Pools pools;

    @GET
    public JsonObject list() {
        JsonArrayBuilder items = Json.createArrayBuilder();
        for (Pools.PoolView pool : pools.list()) {
            items.add(Json.createObjectBuilder()
                    .add("name", pool.name())
                    .add("kind", pool.kind())
                    .add("health", pool.up() ? "UP" : "DOWN")
                    .add("slots", pool.slots())
                    .add("running", pool.running())
                    .add("queued", pool.queued())
                    .add("detail", pool.detail() == null ? "" : pool.detail()));
        }
        return Json.createObjectBuilder().add("items", items).build();
    }
}
