package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input gets a 400 problem document that says what is wrong and where; a failing tool is EXECUTOR_ERROR. */
@ExtendWith(CairnServer.class)
@Order(2)
class ErrorsIT {

    static Api api;
    static CairnServer server;

    @BeforeAll
    static void connect(CairnServer cairn) {
        server = cairn;
        api = new Api(cairn);
        api.registerTool("head-err", ToolRunIT.HEAD);
        api.registerTool("exit3", """
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: [sh, -c]
                arguments: ["echo failing >&2; exit 3"]
                inputs: []
                outputs: []
                """);
    }

    @Test
    void theDatabasePasswordIsNowhereInClear() throws Exception {
        java.nio.file.Path domain = server.home().resolve("domains/cairn");
        String config = java.nio.file.Files.readString(domain.resolve("config/domain.xml"));
        String log = java.nio.file.Files.readString(domain.resolve("logs/server.log"));
        if ("mariadb".equals(server.database())) {
            assertTrue(config.contains("${ALIAS=cairn-db-password}"), "the JDBC pool reads its password from an alias");
        }
        assertTrue(!config.contains(CairnServer.DB_PASSWORD) && !log.contains(CairnServer.DB_PASSWORD),
                "the database password appears in clear");
        try (var files = java.nio.file.Files.walk(server.home().resolve("state"))) {
            for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                assertTrue(!java.nio.file.Files.readString(file).contains(CairnServer.DB_PASSWORD), file::toString);
            }
        }
    }

    @Test
    void aToolThatExitsNonZeroEndsInExecutorErrorWithItsExitCode() {
        String id = api.submit("{\"tool\": \"exit3\", \"inputs\": {}}");
        JsonObject run = api.awaitEnd(id);
        assertEquals("EXECUTOR_ERROR", run.getString("state"), run::toString);
        assertEquals(3, run.getInt("exitCode"));
        assertEquals("failing\n", api.get("/api/v1/runs/" + id + "/logs?stream=stderr").expect(200).text());
    }

    @Test
    void malformedYamlNamesTheLine() {
        JsonObject problem = badRequest(api.postYaml("/api/v1/tools?name=broken", """
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: echo
                inputs: [
                """));
        assertTrue(problem.getString("detail").contains("line"), problem::toString);
    }

    @Test
    void aWrongFieldShapeNamesTheFieldAndLine() {
        JsonObject problem = badRequest(api.postYaml("/api/v1/tools?name=broken", """
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: echo
                inputs:
                  x:
                    type: strnig
                outputs: []
                """));
        String detail = problem.getString("detail");
        assertTrue(detail.contains("strnig") && detail.contains("inputs") && detail.contains("line 6"), detail);
    }

    @Test
    void anUnsupportedFeatureIsNamed() {
        JsonObject problem = badRequest(api.postYaml("/api/v1/tools?name=nested-union", """
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: echo
                inputs:
                  reads:
                    type: [int, [string, File]]
                    inputBinding: {position: 1}
                outputs: []
                """));
        assertTrue(problem.getString("detail").contains("a union alternative must not itself be a union"), problem::toString);
        assertTrue(problem.getString("detail").contains("inputs.reads"), problem::toString);
        assertEquals("/problems/unsupported-feature", problem.getString("type"), problem::toString);
    }

    @Test
    void aWrongInputTypeNamesTheInput() {
        String location = api.upload("x.txt", "x\n".getBytes(StandardCharsets.UTF_8));
        JsonObject problem = badRequest(api.postJson("/api/v1/runs", """
                {"tool": "head-err", "inputs": {"lines": "two", "file": {"class": "File", "location": "%s"}}}
                """.formatted(location)));
        String detail = problem.getString("detail");
        assertTrue(detail.contains("inputs.lines") && detail.contains("int"), detail);
    }

    @Test
    void aMissingRequiredInputAndAnUnknownFileAreNamed() {
        JsonObject missing = badRequest(api.postJson("/api/v1/runs", "{\"tool\": \"head-err\", \"inputs\": {}}"));
        assertTrue(missing.getString("detail").contains("file"), missing::toString);
        JsonObject unknownFile = badRequest(api.postJson("/api/v1/runs", """
                {"tool": "head-err", "inputs": {"file": {"class": "File", "location": "/api/v1/files/00000000-0000-0000-0000-000000000000"}}}
                """));
        assertTrue(unknownFile.getString("detail").contains("inputs.file"), unknownFile::toString);
        JsonObject serverPath = badRequest(api.postJson("/api/v1/runs", """
                {"tool": "head-err", "inputs": {"file": {"class": "File", "location": "file:///etc/passwd"}}}
                """));
        assertTrue(serverPath.getString("detail").contains("not a Cairn file"), serverPath::toString);
    }

    @Test
    void unknownToolsPoolsAndRunsAreClear() {
        Api.Answer noTool = api.postJson("/api/v1/runs", "{\"tool\": \"nope\", \"inputs\": {}}");
        assertEquals(404, noTool.status(), noTool::text);
        assertEquals("application/problem+json", noTool.contentType());
        JsonObject noPool = badRequest(api.postJson("/api/v1/runs", "{\"tool\": \"exit3\", \"inputs\": {}, \"pool\": \"mars\"}"));
        assertTrue(noPool.getString("detail").contains("mars") && noPool.getString("detail").contains("local"), noPool::toString);
        assertEquals(404, api.get("/api/v1/runs/not-a-run").status());
        JsonObject badJson = badRequest(api.postJson("/api/v1/runs", "{\"tool\": "));
        assertTrue(badJson.getString("detail").contains("JSON"), badJson::toString);
        JsonObject badName = badRequest(api.postYaml("/api/v1/tools?name=../etc", ToolRunIT.HEAD));
        assertTrue(badName.getString("detail").contains("not a valid tool name"), badName::toString);
        JsonObject badPage = badRequest(api.get("/api/v1/runs?page=x"));
        assertTrue(badPage.getString("detail").contains("page"), badPage::toString);
        JsonObject hugePage = badRequest(api.get("/api/v1/runs?page=2147483647&size=500"));
        assertTrue(hugePage.getString("detail").contains("page"), hugePage::toString);
        JsonObject badVersion = badRequest(api.postJson("/api/v1/runs", "{\"tool\": \"exit3\", \"version\": 99999999999}"));
        assertTrue(badVersion.getString("detail").contains("version"), badVersion::toString);
    }

    @Test
    void requestsForAnotherHostNameAreRefused() throws Exception {
        // as a browser would send them after DNS rebinding: Cairn's address, a stranger's name
        String answer = rawGet("evil.example", "/api/v1/runs");
        assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        assertTrue(answer.contains("application/problem+json") && answer.contains("CAIRN_ALLOWED_HOSTS"), answer);
        assertTrue(rawGet("localhost", "/api/v1/runs").startsWith("HTTP/1.1 200"));
    }

    private static String rawGet(String host, String path) throws Exception {
        try (var socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + server.uri().getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonObject badRequest(Api.Answer answer) {
        assertEquals(400, answer.status(), answer::text);
        assertEquals("application/problem+json", answer.contentType());
        JsonObject problem = answer.json();
        assertEquals(400, problem.getInt("status"));
        return problem;
    }
}
