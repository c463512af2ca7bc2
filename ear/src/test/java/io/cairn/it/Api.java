package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/** A small HTTP client for Cairn's API, as a LIMS would use it. */
public final class Api {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    public Api(CairnServer server) {
        this.base = server.uri();
    }

    /** An answer: status, headers, body. */
    public record Answer(int status, String contentType, String location, byte[] bytes, HttpResponse<byte[]> raw) {

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(text()))) {
                JsonStructure value = reader.read();
                return value.asJsonObject();
            }
        }

        public Answer expect(int expected) {
            assertEquals(expected, status, () -> "HTTP " + status + ": " + text());
            return this;
        }
    }

    public URI uri(String path) {
        return path.startsWith("http") ? URI.create(path) : base.resolve(path);
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Answer post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Answer putJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    public Answer delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Answer postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Answer postYaml(String path, String yaml) {
        return post(path, "application/yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** Registers a tool and returns its version number. */
    public int registerTool(String name, String cwl) {
        Answer answer = postYaml("/api/v1/tools?name=" + name, cwl);
        if (answer.status() != 201 && answer.status() != 200) {
            fail("registering " + name + " gave HTTP " + answer.status() + ": " + answer.text());
        }
        return answer.json().getInt("version");
    }

    /** Uploads bytes and returns the location to use as a File input. */
    public String upload(String name, byte[] content) {
        return post("/api/v1/files?name=" + name, "application/octet-stream", content).expect(201).json().getString("location");
    }

    /** Submits a run and returns its id. */
    public String submit(String json) {
        return postJson("/api/v1/runs", json).expect(201).json().getString("id");
    }

    /** Waits until the run is in one of the states and returns its JSON. */
    public JsonObject await(String runId, Set<String> states, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject run = null;
        while (System.nanoTime() < deadline) {
            Answer answer = get("/api/v1/runs/" + runId);
            if (answer.status() == 200) {
                run = answer.json();
                if (states.contains(run.getString("state"))) {
                    return run;
                }
            }
            sleep(200);
        }
        fail("run " + runId + " did not reach " + states + " within " + timeout + "; last seen: " + run);
        return null;
    }

    /** Waits until the run has ended. */
    public JsonObject awaitEnd(String runId) {
        return await(runId, Set.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"), Duration.ofMinutes(2));
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(null),
                    response.body(), response);
        } catch (Exception e) {
            throw new AssertionError("request to " + request.build().uri() + " failed: " + e, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
