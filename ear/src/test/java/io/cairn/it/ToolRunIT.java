package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The happy path a scientist or a LIMS takes: register a CWL tool, upload a file, run the tool on
 * the local pool with parameters, follow it, read its logs and download its outputs.
 */
@ExtendWith(CairnServer.class)
@Order(1)
class ToolRunIT {

    static final String HEAD = """
            cwlVersion: v1.2
            class: CommandLineTool
            label: first lines of a file
            baseCommand: head
            inputs:
              lines:
                type: int
                default: 2
                inputBinding: {prefix: -n, position: 1}
              file:
                type: File
                inputBinding: {position: 2}
            stdout: head.txt
            outputs:
              first: {type: stdout}
            """;

    static final String SORT = """
            cwlVersion: v1.2
            class: CommandLineTool
            baseCommand: sort
            requirements:
              - class: EnvVarRequirement
                envDef: {LC_ALL: C}
            arguments:
              - {prefix: -o, valueFrom: sorted.txt, position: 0}
            inputs:
              reverse:
                type: boolean
                default: false
                inputBinding: {prefix: -r, position: 1}
              files:
                type: File[]
                inputBinding: {position: 2}
            outputs:
              sorted:
                type: File
                outputBinding: {glob: sorted.txt}
            """;

    static Api api;

    @BeforeAll
    static void connect(CairnServer server) {
        api = new Api(server);
    }

    @Test
    void registeringAgainKeepsTheVersionAndChangedContentMakesTheNext() {
        int first = api.registerTool("head-it", HEAD);
        Api.Answer again = api.postYaml("/api/v1/tools?name=head-it", HEAD).expect(200);
        assertEquals(first, again.json().getInt("version"));
        Api.Answer changed = api.postYaml("/api/v1/tools?name=head-it", HEAD.replace("first lines", "the first lines")).expect(201);
        assertEquals(first + 1, changed.json().getInt("version"));
        assertTrue(changed.location().endsWith("/api/v1/tools/head-it/versions/" + (first + 1)), changed.location());
        JsonObject tool = api.get("/api/v1/tools/head-it").expect(200).json();
        assertEquals(first + 1, tool.getInt("latest"));
        JsonObject v1 = api.get("/api/v1/tools/head-it/versions/" + first).expect(200).json();
        assertEquals(HEAD, v1.getString("document"));
        assertEquals("int", v1.getJsonArray("inputs").getJsonObject(0).getString("type"));
    }

    @Test
    void runsAToolWithAnUploadedFileAndParameters() throws Exception {
        api.registerTool("head-run", HEAD);
        byte[] content = "alpha\nbeta\ngamma\ndelta\n".getBytes(StandardCharsets.UTF_8);
        Api.Answer upload = api.post("/api/v1/files?name=greek.txt", "application/octet-stream", content).expect(201);
        assertEquals("sha256$" + sha256(content), upload.json().getString("checksum"));
        assertEquals(content.length, upload.json().getInt("size"));
        String location = upload.json().getString("location");
        assertEquals(new String(content, StandardCharsets.UTF_8), api.get(location).expect(200).text());

        Api.Answer submitted = api.postJson("/api/v1/runs", """
                {"tool": "head-run", "inputs": {"lines": 3, "file": {"class": "File", "location": "%s"}}}
                """.formatted(location)).expect(201);
        String id = submitted.json().getString("id");
        assertTrue(submitted.location().endsWith("/api/v1/runs/" + id), submitted.location());

        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        assertEquals(0, run.getInt("exitCode"));
        List<String> argv = run.getJsonArray("commandLine").getValuesAs(v -> ((jakarta.json.JsonString) v).getString());
        assertEquals(List.of("head", "-n", "3"), argv.subList(0, 3));
        assertTrue(argv.get(3).endsWith("/greek.txt"), argv::toString);

        JsonObject outputs = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json();
        JsonObject first = outputs.getJsonObject("first");
        byte[] expected = "alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("File", first.getString("class"));
        assertEquals("head.txt", first.getString("basename"));
        assertEquals(expected.length, first.getInt("size"));
        assertEquals("sha256$" + sha256(expected), first.getString("checksum"));
        assertEquals("alpha\nbeta\ngamma\n", api.get(first.getString("location")).expect(200).text());

        Api.Answer log = api.get("/api/v1/runs/" + id + "/logs?stream=stdout&offset=6").expect(200);
        assertEquals("beta\ngamma\n", log.text());
        assertEquals(String.valueOf(expected.length), log.raw().headers().firstValue("Cairn-Log-Offset").orElseThrow());
    }

    @Test
    void bindsArraysBooleansArgumentsAndEnvironmentAndCollectsGlobbedOutputs() {
        api.registerTool("sort-run", SORT);
        String a = api.upload("a.txt", "pear\napple\n".getBytes(StandardCharsets.UTF_8));
        String id = api.submit("""
                {"tool": "sort-run", "pool": "local", "inputs": {"reverse": true, "files": [
                  {"class": "File", "location": "%s"},
                  {"class": "File", "basename": "b.txt", "contents": "Zebra\\nbanana\\n"}]}}
                """.formatted(a));
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        List<String> argv = run.getJsonArray("commandLine").getValuesAs(v -> ((jakarta.json.JsonString) v).getString());
        assertEquals(List.of("sort", "-o", "sorted.txt", "-r"), argv.subList(0, 4));
        JsonObject sorted = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json().getJsonObject("sorted");
        // LC_ALL=C from EnvVarRequirement: byte order, so "Zebra" sorts before the lower-case words
        assertEquals("pear\nbanana\napple\nZebra\n", api.get(sorted.getString("location")).expect(200).text());
    }

    @Test
    void passesArgumentsLiterallyWithoutAShellAndInUtf8() {
        api.registerTool("echo-run", """
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: echo
                inputs:
                  message: {type: string, inputBinding: {position: 1}}
                stdout: said.txt
                outputs:
                  said: {type: stdout}
                """);
        java.nio.file.Path marker = java.nio.file.Path.of("/tmp/cairn-pwned-" + java.util.UUID.randomUUID());
        String message = "ünïcødé 中文; $(touch " + marker + ") `id` * > x";
        String id = api.submit("{\"tool\": \"echo-run\", \"inputs\": {\"message\": "
                + jakarta.json.Json.createValue(message) + "}}");
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        assertEquals(message + "\n", api.get("/api/v1/runs/" + id + "/logs?stream=stdout").expect(200).text());
        assertTrue(!java.nio.file.Files.exists(marker), "the argument was run by a shell");
    }

    @Test
    void listsRunsByToolAndState() {
        api.registerTool("head-list", HEAD);
        String location = api.upload("one.txt", "1\n2\n3\n".getBytes(StandardCharsets.UTF_8));
        String id = api.submit("{\"tool\": \"head-list\", \"inputs\": {\"file\": {\"class\": \"File\", \"location\": \"" + location + "\"}}}");
        api.awaitEnd(id);
        JsonObject page = api.get("/api/v1/runs?tool=head-list&state=COMPLETE&size=10").expect(200).json();
        assertEquals(1, page.getInt("total"));
        assertEquals(id, page.getJsonArray("items").getJsonObject(0).getString("id"));
        assertEquals(0, api.get("/api/v1/runs?tool=head-list&state=RUNNING").expect(200).json().getInt("total"));
    }

    @Test
    void reportsPoolsHealthAndOpenApi() {
        JsonObject local = api.get("/api/v1/pools").expect(200).json().getJsonArray("items").getJsonObject(0);
        assertEquals("local", local.getString("name"));
        assertEquals("local", local.getString("kind"));
        assertEquals("UP", local.getString("health"));
        assertEquals(2, local.getInt("slots"));
        String ready = api.get("/health/ready").expect(200).text();
        assertTrue(ready.contains("\"database\"") && ready.contains("\"pools\""), ready);
        // the per-pool checks come with the first ping round, at most 5 s after the start
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!ready.contains("{\"name\":\"pool:local\",\"status\":\"UP\"")) {
            assertTrue(System.nanoTime() < deadline, ready);
            Api.sleep(500);
            ready = api.get("/health/ready").expect(200).text();
        }
        assertTrue(api.get("/openapi").expect(200).text().contains("/api/v1/runs"));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
