package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workflows on the real server: registration, a scatter and gather whose outputs are checked byte
 * for byte, step instances through the API, a failing step, cancel, and a crash of the server
 * while a step runs (the run finishes, every step executed once).
 */
@ExtendWith(CairnServer.class)
@Order(11)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkflowRunIT {

    static final String SCATTER = """
            cwlVersion: v1.2
            class: Workflow
            requirements: {ScatterFeatureRequirement: {}}
            inputs:
              msgs: string[]
            outputs:
              said:
                type: File[]
                outputSource: say/out
              joined:
                type: File
                outputSource: join/out
            steps:
              say:
                in: {m: msgs}
                scatter: m
                out: [out]
                run:
                  class: CommandLineTool
                  baseCommand: echo
                  inputs:
                    m: {type: string, inputBinding: {position: 1}}
                  outputs:
                    out: stdout
                  stdout: said.txt
              join:
                in: {fs: say/out}
                out: [out]
                run:
                  class: CommandLineTool
                  baseCommand: cat
                  inputs:
                    fs: {type: "File[]", inputBinding: {position: 1}}
                  outputs:
                    out: stdout
                  stdout: all.txt
            """;

    /** First step appends to its output when it starts and ends; a second step follows it. */
    static final String COUNTED = """
            cwlVersion: v1.2
            class: Workflow
            inputs:
              seconds: int
            outputs:
              count:
                type: File
                outputSource: slow/count
              copy:
                type: File
                outputSource: after/copy
            steps:
              slow:
                in: {seconds: seconds}
                out: [count]
                run:
                  class: CommandLineTool
                  baseCommand: [sh, -c]
                  arguments: ["echo started >> count.txt; sleep $0; echo done >> count.txt"]
                  inputs:
                    seconds: {type: int, inputBinding: {position: 1}}
                  outputs:
                    count: {type: File, outputBinding: {glob: count.txt}}
              after:
                in: {f: slow/count}
                out: [copy]
                run:
                  class: CommandLineTool
                  baseCommand: cat
                  inputs:
                    f: {type: File, inputBinding: {position: 1}}
                  outputs:
                    copy: stdout
                  stdout: copy.txt
            """;

    static final String FAILING = """
            cwlVersion: v1.2
            class: Workflow
            inputs: {}
            outputs:
              o: {type: File, outputSource: second/o}
            steps:
              first:
                in: {}
                out: [o]
                run:
                  class: CommandLineTool
                  baseCommand: [sh, -c, "echo broken >&2; exit 3"]
                  inputs: {}
                  outputs:
                    o: stdout
              second:
                in: {f: first/o}
                out: [o]
                run:
                  class: CommandLineTool
                  baseCommand: cat
                  inputs:
                    f: {type: File, inputBinding: {position: 1}}
                  outputs:
                    o: stdout
            """;

    /** The first step counts its executions; the second fails until a flag file exists. */
    static final String FLAKY = """
            cwlVersion: v1.2
            class: Workflow
            inputs:
              flag: string
            outputs:
              count: {type: File, outputSource: first/count}
              second: {type: File, outputSource: second/o}
            steps:
              first:
                in: {}
                out: [count]
                run:
                  class: CommandLineTool
                  baseCommand: [sh, -c, "echo ran >> count.txt"]
                  inputs: {}
                  outputs:
                    count: {type: File, outputBinding: {glob: count.txt}}
              second:
                in: {f: first/count, flag: flag}
                out: [o]
                run:
                  class: CommandLineTool
                  baseCommand: [sh, -c, 'test -e "$0" && cat "$1"']
                  inputs:
                    flag: {type: string, inputBinding: {position: 1}}
                    f: {type: File, inputBinding: {position: 2}}
                  outputs:
                    o: stdout
            """;

    /** Counts its own executions in a host file (a string input, so outside what the cache looks at). */
    static final String TALLIED = """
            cwlVersion: v1.2
            class: Workflow
            inputs:
              tally: string
              msg: string
            outputs:
              said: {type: File, outputSource: say/o}
            steps:
              say:
                in: {tally: tally, msg: msg}
                out: [o]
                run:
                  class: CommandLineTool
                  baseCommand: [sh, -c, 'echo ran >> "$0"; echo "$1"']
                  inputs:
                    tally: {type: string, inputBinding: {position: 1}}
                    msg: {type: string, inputBinding: {position: 2}}
                  outputs:
                    o: stdout
            """;

    /** Sleeps on its first attempt (after writing its pid), answers at once on the next. */
    static final String LOSABLE = """
            cwlVersion: v1.2
            class: Workflow
            inputs:
              flag: string
            outputs:
              said: {type: File, outputSource: work/o}
            steps:
              work:
                in: {flag: flag}
                out: [o]
                run:
                  class: CommandLineTool
                  baseCommand: [sh, -c, 'if [ -e "$0" ]; then echo again; else echo $$ > "$0"; exec sleep 120; fi']
                  inputs:
                    flag: {type: string, inputBinding: {position: 1}}
                  outputs:
                    o: stdout
            """;

    static CairnServer server;
    static Api api;

    @BeforeAll
    static void connect(CairnServer cairn) {
        server = cairn;
        api = new Api(cairn);
    }

    private static int register(String name, String cwl) {
        return api.postYaml("/api/v1/workflows?name=" + name, cwl).expect(201).json().getInt("version");
    }

    private static List<JsonObject> steps(String runId) {
        return api.get("/api/v1/runs/" + runId + "/steps").expect(200).json().getJsonArray("items")
                .getValuesAs(JsonObject.class);
    }

    @Test
    @Order(1)
    void aScatterAndGatherRunsEveryInstanceAndGathersInOrder() {
        assertEquals(1, register("scatter-gather", SCATTER));
        JsonObject described = api.get("/api/v1/workflows/scatter-gather/versions/1").expect(200).json();
        assertEquals("Workflow", described.getString("class"));
        assertEquals(SCATTER, described.getString("document"));

        String id = api.submit("{\"workflow\": \"scatter-gather\", \"inputs\": {\"msgs\": [\"a\", \"bb\", \"ccc\"]}}");
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        assertEquals("scatter-gather", run.getString("workflow"));

        JsonObject outputs = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json();
        List<String> said = outputs.getJsonArray("said").getValuesAs(JsonObject.class).stream()
                .map(f -> api.get(f.getString("location")).expect(200).text()).toList();
        assertEquals(List.of("a\n", "bb\n", "ccc\n"), said);
        assertEquals("a\nbb\nccc\n", api.get(outputs.getJsonObject("joined").getString("location")).expect(200).text());

        List<JsonObject> steps = steps(id);
        assertEquals(List.of("say[0]", "say[1]", "say[2]", "join"), steps.stream().map(s -> s.getString("key")).toList());
        for (JsonObject step : steps) {
            assertEquals("COMPLETE", step.getString("state"), step::toString);
            assertEquals(1, step.getInt("attempts"));
            assertEquals(0, step.getInt("exitCode"));
        }
        String stdout = steps.get(3).getJsonObject("links").getString("stdout");
        assertEquals("a\nbb\nccc\n", api.get(stdout).expect(200).text(), "a step's log is its stdout, also when captured");
    }

    @Test
    @Order(2)
    void registrationAndSubmissionErrorsSayWhatIsWrong() {
        String toolAsWorkflow = api.postYaml("/api/v1/workflows?name=not-a-workflow", ToolRunIT.HEAD).expect(400).text();
        assertTrue(toolAsWorkflow.contains("POST /api/v1/tools"), toolAsWorkflow);
        String workflowAsTool = api.postYaml("/api/v1/tools?name=not-a-tool", SCATTER).expect(400).text();
        assertTrue(workflowAsTool.contains("POST /api/v1/workflows"), workflowAsTool);
        String broken = api.postYaml("/api/v1/workflows?name=broken", SCATTER.replace("in: {fs: say/out}", "in: {fs: say/nothing}"))
                .expect(400).text();
        assertTrue(broken.contains("source 'say/nothing' names no declared step output"), broken);
        String fileRun = api.postYaml("/api/v1/workflows?name=file-run", """
                cwlVersion: v1.2
                class: Workflow
                inputs: {}
                outputs: []
                steps:
                  s: {in: {}, out: [], run: other.cwl}
                """).expect(400).json().getString("type");
        assertEquals("/problems/unsupported-feature", fileRun);
        String badInput = api.postJson("/api/v1/runs", "{\"workflow\": \"scatter-gather\", \"inputs\": {\"msgs\": 5}}")
                .expect(400).text();
        assertTrue(badInput.contains("inputs.msgs"), badInput);
        api.postJson("/api/v1/runs", "{\"workflow\": \"no-such-workflow\"}").expect(404);
        api.postJson("/api/v1/runs", "{\"tool\": \"scatter-gather\"}").expect(404);
    }

    @Test
    @Order(3)
    void aFailingStepEndsTheRunAndNothingAfterItRuns() {
        register("failing", FAILING);
        String id = api.submit("{\"workflow\": \"failing\", \"inputs\": {}}");
        JsonObject run = api.awaitEnd(id);
        assertEquals("EXECUTOR_ERROR", run.getString("state"), run::toString);
        assertTrue(run.getString("message").contains("step first"), run::toString);
        List<JsonObject> steps = steps(id);
        assertEquals(1, steps.size(), steps::toString);
        assertEquals(3, steps.get(0).getInt("exitCode"));
        assertEquals("broken\n", api.get(steps.get(0).getJsonObject("links").getString("stderr")).expect(200).text());
    }

    @Test
    @Order(4)
    void cancelStopsTheRunningStepAndTheRun() {
        register("counted-cancel", COUNTED);
        String id = api.submit("{\"workflow\": \"counted-cancel\", \"inputs\": {\"seconds\": 60}}");
        awaitStep(id, "slow", "RUNNING");
        api.post("/api/v1/runs/" + id + "/cancel", "application/json", new byte[0]).expect(202);
        JsonObject run = api.awaitEnd(id);
        assertEquals("CANCELED", run.getString("state"), run::toString);
        List<JsonObject> steps = steps(id);
        assertEquals(1, steps.size(), steps::toString);
        assertEquals("CANCELED", steps.get(0).getString("state"), steps::toString);
    }

    @Test
    @Order(5)
    void aCrashWhileAStepRunsLosesNothingAndRunsEachStepOnce() throws Exception {
        register("counted-crash", COUNTED);
        String id = api.submit("{\"workflow\": \"counted-crash\", \"inputs\": {\"seconds\": 8}}");
        awaitStep(id, "slow", "RUNNING");

        server.crashAndStart();
        api = new Api(server);

        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        JsonObject outputs = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json();
        assertEquals("started\ndone\n", api.get(outputs.getJsonObject("count").getString("location")).expect(200).text());
        assertEquals("started\ndone\n", api.get(outputs.getJsonObject("copy").getString("location")).expect(200).text());
        for (JsonObject step : steps(id)) {
            assertEquals(1, step.getInt("attempts"), step::toString);
        }
    }

    @Test
    @Order(6)
    void resumeRunsTheFailedStepAgainAndNotTheFinishedOne() throws Exception {
        register("flaky", FLAKY);
        java.nio.file.Path flag = server.home().resolve("flaky-" + System.nanoTime());
        String id = api.submit("{\"workflow\": \"flaky\", \"inputs\": {\"flag\": \"" + flag + "\"}}");
        JsonObject failed = api.awaitEnd(id);
        assertEquals("EXECUTOR_ERROR", failed.getString("state"), failed::toString);
        api.post("/api/v1/runs/" + api.submit("{\"workflow\": \"scatter-gather\", \"inputs\": {\"msgs\": []}}") + "/resume",
                "application/json", new byte[0]).expect(409);

        java.nio.file.Files.writeString(flag, "now it works");
        api.post("/api/v1/runs/" + id + "/resume", "application/json", new byte[0]).expect(202);
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        JsonObject outputs = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json();
        assertEquals("ran\n", api.get(outputs.getJsonObject("count").getString("location")).expect(200).text(),
                "the finished step did not run again");
        assertEquals("ran\n", api.get(outputs.getJsonObject("second").getString("location")).expect(200).text());
        List<JsonObject> steps = steps(id);
        assertEquals(List.of(1, 2), steps.stream().map(s -> s.getInt("attempts")).toList(), steps::toString);
    }

    @Test
    @Order(7)
    void theCallCacheServesARepeatedStepAndExplainsAMiss() throws Exception {
        register("tallied", TALLIED);
        register("tallied-no-reuse", TALLIED.replace("class: Workflow\n", "class: Workflow\nhints:\n  WorkReuse: {enableReuse: false}\n"));
        java.nio.file.Path tally = server.home().resolve("tally-" + System.nanoTime());
        String hello = "{\"workflow\": \"tallied\", \"inputs\": {\"tally\": \"" + tally + "\", \"msg\": \"hello\"}";

        String first = api.submit(hello + "}");
        assertEquals("COMPLETE", api.awaitEnd(first).getString("state"));
        String second = api.submit(hello + "}");
        assertEquals("COMPLETE", api.awaitEnd(second).getString("state"));
        assertEquals("ran\n", java.nio.file.Files.readString(tally), "the repeated step was served, not run");
        JsonObject hit = steps(second).get(0);
        assertTrue(hit.getBoolean("cacheHit"), hit::toString);
        assertEquals(0, hit.getInt("attempts"), hit::toString);
        JsonObject said = api.get("/api/v1/runs/" + second + "/outputs").expect(200).json().getJsonObject("said");
        assertEquals("hello\n", api.get(said.getString("location")).expect(200).text());
        JsonObject hitReport = api.get(hit.getJsonObject("links").getString("cache")).expect(200).json();
        assertEquals(first, hitReport.getJsonObject("source").getString("run"), hitReport::toString);
        assertFalse(steps(first).get(0).getBoolean("cacheHit"));

        String other = api.submit("{\"workflow\": \"tallied\", \"inputs\": {\"tally\": \"" + tally + "\", \"msg\": \"other\"}}");
        assertEquals("COMPLETE", api.awaitEnd(other).getString("state"));
        assertEquals("ran\nran\n", java.nio.file.Files.readString(tally));
        JsonObject miss = api.get("/api/v1/runs/" + other + "/steps/say/cache").expect(200).json();
        assertFalse(miss.getBoolean("cacheHit"), miss::toString);
        // msg is an input value and an argument: both parts differ, nothing else
        assertEquals(List.of("inputs", "command"), miss.getJsonObject("nearest").getJsonArray("differs")
                .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList(),
                miss::toString);

        String uncached = api.submit(hello + ", \"cache\": false}");
        assertEquals("COMPLETE", api.awaitEnd(uncached).getString("state"));
        assertEquals("ran\nran\nran\n", java.nio.file.Files.readString(tally), "cache: false runs the step");
        assertFalse(steps(uncached).get(0).getBoolean("cacheHit"));
        assertTrue(api.get("/api/v1/runs/" + uncached + "/steps/say/cache").expect(200).json()
                .getString("explanation").contains("\"cache\": false"));

        String noReuse = hello.replace("\"tallied\"", "\"tallied-no-reuse\"") + "}";
        assertEquals("COMPLETE", api.awaitEnd(api.submit(noReuse)).getString("state"));
        String noReuseAgain = api.submit(noReuse);
        assertEquals("COMPLETE", api.awaitEnd(noReuseAgain).getString("state"));
        assertEquals(5, java.nio.file.Files.readAllLines(tally).size(), "WorkReuse false runs the step each time");
        assertTrue(api.get("/api/v1/runs/" + noReuseAgain + "/steps/say/cache").expect(200).json()
                .getString("explanation").contains("WorkReuse"));

        String bad = api.postJson("/api/v1/runs", hello + ", \"cache\": \"no\"}").expect(400).text();
        assertTrue(bad.contains("'cache' must be true or false"), bad);
        api.get("/api/v1/runs/" + first + "/steps/no-such-step/cache").expect(404);
    }

    @Test
    @Order(8)
    void aLostTaskRunsAgainAfterAPauseAsOftenAsTheRunAllows() throws Exception {
        register("losable", LOSABLE);
        java.nio.file.Path flag = server.home().resolve("losable-" + System.nanoTime());
        String id = api.submit("{\"workflow\": \"losable\", \"retries\": 1, \"inputs\": {\"flag\": \"" + flag + "\"}}");
        loseTheTaskBehind(flag);
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        assertEquals(1, run.getInt("retries"));
        JsonObject step = steps(id).get(0);
        assertEquals(2, step.getInt("attempts"), step::toString);
        JsonObject said = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json().getJsonObject("said");
        assertEquals("again\n", api.get(said.getString("location")).expect(200).text());

        java.nio.file.Path flag2 = server.home().resolve("losable-" + System.nanoTime());
        String once = api.submit("{\"workflow\": \"losable\", \"retries\": 0, \"inputs\": {\"flag\": \"" + flag2 + "\"}}");
        loseTheTaskBehind(flag2);
        JsonObject lost = api.awaitEnd(once);
        assertEquals("SYSTEM_ERROR", lost.getString("state"), lost::toString);
        assertTrue(lost.getString("message").contains("lost the task"), lost::toString);
        assertEquals(1, steps(once).get(0).getInt("attempts"));

        String bad = api.postJson("/api/v1/runs", "{\"workflow\": \"losable\", \"retries\": 99, \"inputs\": {\"flag\": \"x\"}}")
                .expect(400).text();
        assertTrue(bad.contains("'retries' must be a whole number from 0 to 10"), bad);
    }

    static final String LOSABLE_TOOL = """
            cwlVersion: v1.2
            class: CommandLineTool
            baseCommand: [sh, -c, 'if [ -e "$0" ]; then if [ -e said.txt ]; then echo dirty > said.txt; else echo again > said.txt; fi; else echo first > said.txt; echo $$ > "$0"; exec sleep 120; fi']
            inputs:
              flag: {type: string, inputBinding: {position: 1}}
            outputs:
              said: {type: File, outputBinding: {glob: said.txt}}
            """;

    @Test
    @Order(9)
    void aToolRunWhoseTaskIsLostRunsAgainFromAnEmptyWorkFolder() throws Exception {
        api.registerTool("losable-tool", LOSABLE_TOOL);
        java.nio.file.Path flag = server.home().resolve("losable-tool-" + System.nanoTime());
        String id = api.submit("{\"tool\": \"losable-tool\", \"retries\": 1, \"cache\": false,"
                + " \"inputs\": {\"flag\": \"" + flag + "\"}}");
        loseTheTaskBehind(flag);
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        assertEquals(2, run.getInt("attempts"), run::toString);
        JsonObject said = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json().getJsonObject("said");
        assertEquals("again\n", api.get(said.getString("location")).expect(200).text(),
                "the second attempt's output, written in a work folder the first one's was cleared from");

        java.nio.file.Path flag2 = server.home().resolve("losable-tool-" + System.nanoTime());
        String once = api.submit("{\"tool\": \"losable-tool\", \"retries\": 0, \"cache\": false,"
                + " \"inputs\": {\"flag\": \"" + flag2 + "\"}}");
        loseTheTaskBehind(flag2);
        JsonObject lost = api.awaitEnd(once);
        assertEquals("SYSTEM_ERROR", lost.getString("state"), lost::toString);
        assertTrue(lost.getString("message").contains("lost the task"), lost::toString);
        assertEquals(1, lost.getInt("attempts"), lost::toString);
    }

    /** Exits with the code it is given the first time (leaving a flag file behind), succeeds once the flag exists. */
    static final String TEMPORARY_TOOL = """
            cwlVersion: v1.2
            class: CommandLineTool
            baseCommand: [sh, -c, 'if [ -e "$0" ]; then echo second; else : > "$0"; exit "$1"; fi']
            temporaryFailCodes: [75]
            inputs:
              flag: {type: string, inputBinding: {position: 1}}
              code: {type: int, inputBinding: {position: 2}}
            stdout: said.txt
            outputs:
              said: stdout
            """;

    @Test
    @Order(10)
    void aToolRunRetriesItsTemporaryFailCodesOnlyAndOnlyAsOftenAsAsked() throws Exception {
        api.registerTool("temporary-tool", TEMPORARY_TOOL);
        // 75 is one of the tool's temporaryFailCodes: the second attempt succeeds
        java.nio.file.Path flag = server.home().resolve("temporary-" + System.nanoTime());
        String id = api.submit("{\"tool\": \"temporary-tool\", \"retries\": 1, \"cache\": false,"
                + " \"inputs\": {\"flag\": \"" + flag + "\", \"code\": 75}}");
        JsonObject run = api.awaitEnd(id);
        assertEquals("COMPLETE", run.getString("state"), run::toString);
        assertEquals(2, run.getInt("attempts"), run::toString);
        JsonObject said = api.get("/api/v1/runs/" + id + "/outputs").expect(200).json().getJsonObject("said");
        assertEquals("second\n", api.get(said.getString("location")).expect(200).text());

        // without retries the temporary failure is the run's end, and the message says which code it was
        java.nio.file.Path flag2 = server.home().resolve("temporary-" + System.nanoTime());
        String once = api.submit("{\"tool\": \"temporary-tool\", \"retries\": 0, \"cache\": false,"
                + " \"inputs\": {\"flag\": \"" + flag2 + "\", \"code\": 75}}");
        JsonObject failed = api.awaitEnd(once);
        assertEquals("EXECUTOR_ERROR", failed.getString("state"), failed::toString);
        assertEquals(75, failed.getInt("exitCode"), failed::toString);
        assertTrue(failed.getString("message").contains("temporaryFailCodes"), failed::toString);
        assertEquals(1, failed.getInt("attempts"), failed::toString);

        // any other non-zero exit is the tool's answer: not retried, although a retry would now succeed
        java.nio.file.Path flag3 = server.home().resolve("temporary-" + System.nanoTime());
        String permanent = api.submit("{\"tool\": \"temporary-tool\", \"retries\": 2, \"cache\": false,"
                + " \"inputs\": {\"flag\": \"" + flag3 + "\", \"code\": 3}}");
        JsonObject answered = api.awaitEnd(permanent);
        assertEquals("EXECUTOR_ERROR", answered.getString("state"), answered::toString);
        assertEquals(3, answered.getInt("exitCode"), answered::toString);
        assertEquals(1, answered.getInt("attempts"), answered::toString);
    }

    /** Kills a task's process and its wrapper behind the pool's back, as a lost node would. */
    private static void loseTheTaskBehind(java.nio.file.Path pidFile) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!java.nio.file.Files.exists(pidFile) || java.nio.file.Files.readString(pidFile).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the task did not start: no " + pidFile);
            }
            Api.sleep(100);
        }
        Api.sleep(200); // the shell has exec'ed into sleep by now
        long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
        ProcessHandle task = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("task " + pid + " is not running"));
        ProcessHandle wrapper = task.parent().orElseThrow();
        wrapper.destroyForcibly();
        wrapper.onExit().join();
        task.destroyForcibly();
    }

    private static void awaitStep(String runId, String key, String state) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonObject step : steps(runId)) {
                if (step.getString("key").equals(key) && step.getString("state").equals(state)) {
                    return;
                }
            }
            Api.sleep(100);
        }
        throw new AssertionError("step " + key + " of run " + runId + " did not reach " + state + ": " + steps(runId));
    }
}
