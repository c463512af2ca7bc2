package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stop and start, or a crash, loses nothing: tools, runs and outputs are found again, and a run
 * that was running during a crash is finished without running its tool a second time.
 */
@ExtendWith(CairnServer.class)
@Order(10)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {

    static final String COUNTED = """
            cwlVersion: v1.2
            class: CommandLineTool
            baseCommand: [sh, -c]
            arguments: ["echo started >> count.txt; sleep $0; echo done >> count.txt"]
            inputs:
              seconds:
                type: int
                inputBinding: {position: 1}
            outputs:
              count:
                type: File
                outputBinding: {glob: count.txt}
            """;

    static CairnServer server;
    static Api api;

    @BeforeAll
    static void connect(CairnServer cairn) {
        server = cairn;
        api = new Api(cairn);
    }

    @Test
    @Order(1)
    void aRestartKeepsToolsRunsAndOutputs() throws Exception {
        api.registerTool("head-restart", ToolRunIT.HEAD);
        String location = api.upload("r.txt", "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
        String id = api.submit("{\"tool\": \"head-restart\", \"inputs\": {\"file\": {\"class\": \"File\", \"location\": \"" + location + "\"}}}");
        assertEquals("COMPLETE", api.awaitEnd(id).getString("state"));
        String output = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json().getJsonObject("first").getString("location");
        long runsBefore = api.get("/api/v1/runs").expect(200).json().getInt("total");

        server.restart();
        api = new Api(server);

        assertEquals("COMPLETE", api.get("/api/v1/runs/" + id).expect(200).json().getString("state"));
        assertEquals(runsBefore, api.get("/api/v1/runs").expect(200).json().getInt("total"));
        assertEquals("one\ntwo\n", api.get(output).expect(200).text());
        assertEquals("one\ntwo\n", api.get("/api/v1/runs/" + id + "/logs?stream=stdout").expect(200).text());
        assertEquals("one\ntwo\nthree\n", api.get(location).expect(200).text());
        api.get("/api/v1/tools/head-restart").expect(200);
    }

    @Test
    @Order(2)
    void aRunningRunSurvivesAStopAndStartAndItsToolRunsOnce() throws Exception {
        runCountedToolAcross(server::restart);
    }

    @Test
    @Order(3)
    void aRunningRunSurvivesACrashAndItsToolRunsOnce() throws Exception {
        runCountedToolAcross(server::crashAndStart);
    }

    /** What happens to the server while the tool runs. */
    interface Interruption {
        void happen() throws Exception;
    }

    /**
     * Runs a tool that logs each start into its output, interrupts the server while it runs, and
     * checks the run completes with the tool started exactly once.
     */
    private static void runCountedToolAcross(Interruption interruption) throws Exception {
        api.registerTool("counted", COUNTED);
        String id = api.submit("{\"tool\": \"counted\", \"inputs\": {\"seconds\": 8}}");
        api.await(id, Set.of("RUNNING"), Duration.ofMinutes(1));

        interruption.happen();
        api = new Api(server);

        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        String count = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json().getJsonObject("count").getString("location");
        assertEquals("started\ndone\n", api.get(count).expect(200).text());
    }
}
