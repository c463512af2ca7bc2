package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pools defined through the API on the real backends that {@code bin/backends/*} start (their addresses come in
 * {@code CAIRN_*} environment variables from {@code bin/cairn test}): define, change, remove; the same tool and the
 * same workflow give byte-identical outputs on local, docker, slurm (cli and rest) and gridengine; a pool that is down makes
 * runs wait, and they finish when it is back.
 *
 * <p>When a backend's variables are missing, its tests are skipped, except under {@code CI=true} or
 * {@code -Dcairn.backends.required=true}, where they fail.
 */
@ExtendWith(CairnServer.class)
class PoolsIT {

    /** Every output depends on the input file, the parameters and the tool's own work; nothing on the backend. */
    static final String DIGEST = """
            cwlVersion: v1.2
            class: CommandLineTool
            hints:
              DockerRequirement: {dockerPull: "cairn/busybox:latest"}
            requirements:
              EnvVarRequirement:
                envDef: {LC_ALL: C}
            baseCommand: [sh, -c]
            arguments:
              - valueFrom: 'sort "$0" > sorted.txt; wc -l < "$0" | tr -d " " > count.txt; printf "%s|" "$1" "$2" > args.txt; printf "stdout of %s\\n" "$1"; printf "stderr\\n" >&2'
                position: 0
            inputs:
              data: {type: File, inputBinding: {position: 1}}
              word: {type: string, inputBinding: {position: 2}}
              n: {type: int, inputBinding: {position: 3}}
            stdout: out.txt
            outputs:
              sorted: {type: File, outputBinding: {glob: sorted.txt}}
              count: {type: File, outputBinding: {glob: count.txt}}
              args: {type: File, outputBinding: {glob: args.txt}}
              out: {type: stdout}
            """;

    /** Two chained instances of the digest tool, inline. */
    static String twoSteps() {
        String tool = DIGEST.indent(6);
        return """
                cwlVersion: v1.2
                class: Workflow
                inputs:
                  data: File
                  word: string
                outputs:
                  first: {type: File, outputSource: one/sorted}
                  second: {type: File, outputSource: two/args}
                  count: {type: File, outputSource: two/count}
                steps:
                  one:
                    in: {data: data, word: word, n: {default: 1}}
                    out: [sorted, count]
                    run:
                """ + tool + """
                  two:
                    in: {data: one/sorted, word: word, n: {default: 2}}
                    out: [args, count]
                    run:
                """ + tool;
    }

    static Api api;
    static CairnServer server;

    @BeforeAll
    static void connect(CairnServer cairn) {
        server = cairn;
        api = new Api(cairn);
    }

    static boolean required() {
        return "true".equals(System.getenv("CI")) || Boolean.getBoolean("cairn.backends.required");
    }

    /** The variable's value; a missing one skips the test, or fails it where backends are required. */
    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            if (required()) {
                fail(name + " is not set: bin/cairn test starts the backends and sets it");
            }
            Assumptions.abort(name + " is not set (start the backends with bin/backends/*; bin/cairn test does)");
        }
        return value;
    }

    static String dockerPool(String name, String socket) {
        return "{\"name\": \"" + name + "\", \"kind\": \"docker\", \"properties\": {\"socket\": \"" + socket
                + "\", \"slots\": 2, \"network\": \"host\"}}";
    }

    @Test
    void poolsAreDefinedChangedAndRemovedThroughTheApi() {
        String socket = env("CAIRN_DOCKER_SOCKET");
        Api.Answer created = api.postJson("/api/v1/pools", dockerPool("it-crud", socket)).expect(201);
        assertTrue(created.location().endsWith("/api/v1/pools/it-crud"), created.location());
        JsonObject pool = created.json();
        assertEquals("docker", pool.getString("kind"));
        assertEquals("UP", pool.getString("health"), pool::toString);
        assertEquals(2, pool.getInt("slots"));
        assertEquals("api", pool.getString("source"));

        assertEquals(409, api.postJson("/api/v1/pools", dockerPool("it-crud", socket)).status());
        JsonObject changed = api.putJson("/api/v1/pools/it-crud", "{\"kind\": \"docker\", \"properties\": {\"socket\": \""
                + socket + "\", \"slots\": 5}}").expect(200).json();
        assertEquals(5, changed.getInt("slots"), changed::toString);
        assertEquals(5, api.get("/api/v1/pools/it-crud").expect(200).json().getInt("slots"));
        boolean listed = api.get("/api/v1/pools").expect(200).json().getJsonArray("items").stream()
                .anyMatch(p -> p.asJsonObject().getString("name").equals("it-crud"));
        assertTrue(listed);

        api.delete("/api/v1/pools/it-crud").expect(204);
        assertEquals(404, api.get("/api/v1/pools/it-crud").status());
        assertEquals(404, api.delete("/api/v1/pools/it-crud").status());
    }

    @Test
    void aPoolAddedWithAsadminIsListedRunsAndIsRemoved() throws Exception {
        String socket = env("CAIRN_DOCKER_SOCKET");
        server.command("pool-add", "it-asadmin", "docker", "socket=" + socket, "slots=3", "network=host");
        JsonObject pool = api.get("/api/v1/pools/it-asadmin").expect(200).json();
        assertEquals("server-config", pool.getString("source"));
        assertEquals(3, pool.getInt("slots"), pool::toString);
        assertEquals("UP", pool.getString("health"), pool::toString);
        assertProblem(api.delete("/api/v1/pools/it-asadmin"), 409, "asadmin");
        api.registerTool("pools-digest", DIGEST);
        String input = api.upload("asadmin.txt", "z\ny\n".getBytes(StandardCharsets.UTF_8));
        String run = api.submit("{\"tool\": \"pools-digest\", \"pool\": \"it-asadmin\", \"inputs\": {\"data\": {\"class\":"
                + " \"File\", \"location\": \"" + input + "\"}, \"word\": \"w\", \"n\": 1}}");
        assertEquals(sha256("y\nz\n"), outputsOf(run).get("sorted"));

        // an upgrade (a new EAR, which bin/cairn undeploys, restarts the server for and deploys) keeps the pool:
        // forget the deployed EAR's checksum, so that the restart deploys again
        Files.delete(server.home().resolve("state/deployed.sha256"));
        server.restart();
        JsonObject kept = api.get("/api/v1/pools/it-asadmin").expect(200).json();
        assertEquals("server-config", kept.getString("source"), kept::toString);
        assertEquals(3, kept.getInt("slots"), kept::toString);
        assertEquals("UP", kept.getString("health"), kept::toString);
        String again = api.submit("{\"tool\": \"pools-digest\", \"pool\": \"it-asadmin\", \"cache\": false, \"inputs\":"
                + " {\"data\": {\"class\": \"File\", \"location\": \"" + input + "\"}, \"word\": \"w\", \"n\": 1}}");
        assertEquals(sha256("y\nz\n"), outputsOf(again).get("sorted"));
        server.command("pool-remove", "it-asadmin");
        assertEquals(404, api.get("/api/v1/pools/it-asadmin").status());
    }

    @Test
    void badDefinitionsGetA400ThatNamesTheField() {
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"x\", \"kind\": \"pbs\"}"), 400, "'kind' must be one of");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"x\", \"kind\": \"docker\", \"properties\": {\"slot\": 2}}"),
                400, "no property 'slot'");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"x\", \"kind\": \"docker\", \"properties\": {\"slots\": \"two\"}}"),
                400, "'slots' must be an integer");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"a b\", \"kind\": \"docker\"}"), 400, "not valid");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"x\", \"kind\": \"docker\", \"colour\": 1}"), 400,
                "unknown field 'colour'");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"x\", \"kind\": \"slurm\", \"secrets\": {\"jwtFile\": \"no-such-alias\"}}"),
                400, "the secret 'no-such-alias' for property 'jwtFile' was not found");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"local\", \"kind\": \"local\"}"), 409, "already a pool");
        assertProblem(api.delete("/api/v1/pools/local"), 409, "asadmin");
        assertProblem(api.putJson("/api/v1/pools/local", "{\"kind\": \"local\"}"), 409, "asadmin");
        JsonObject kinds = api.get("/api/v1/pools/kinds").expect(200).json().getJsonObject("kinds");
        assertTrue(kinds.keySet().containsAll(Set.of("local", "docker", "slurm", "gridengine")), kinds::toString);
    }

    @Test
    void theSameToolAndWorkflowGiveByteIdenticalOutputsOnEveryBackend() throws Exception {
        String socket = env("CAIRN_DOCKER_SOCKET");
        String slurmConf = env("CAIRN_SLURM_CONF");
        String restUrl = env("CAIRN_SLURM_REST_URL");
        String jobcomp = env("CAIRN_SLURM_JOBCOMP_FILE");
        // the server runs as root here, and its run folders are its own: REST jobs run as the token's user.
        // The token goes in as a password alias, which Payara reads when it starts.
        String token = rootToken(slurmConf);
        server.commandWithInput(token, "secret-set", "it-slurm-jwt");
        server.restart();
        String data = server.home().toString();
        api.postJson("/api/v1/pools", dockerPool("it-docker", socket)).expect(201);
        api.postJson("/api/v1/pools", "{\"name\": \"it-slurm-cli\", \"kind\": \"slurm\", \"properties\": {\"mode\": \"cli\","
                + " \"slurmConf\": \"" + slurmConf + "\", \"sharedRoot\": \"" + data + "\", \"jobCompFile\": \"" + jobcomp
                + "\", \"slots\": 4}}").expect(201);
        api.postJson("/api/v1/pools", "{\"name\": \"it-slurm-rest\", \"kind\": \"slurm\", \"properties\": {\"mode\": \"rest\","
                + " \"restUrl\": \"" + restUrl + "\", \"restUser\": \"root\", \"sharedRoot\": \"" + data
                + "\", \"jobCompFile\": \"" + jobcomp + "\", \"slots\": 4}, \"secrets\": {\"jwt\": \"it-slurm-jwt\"}}")
                .expect(201);
        Api.Answer rest = api.get("/api/v1/pools/it-slurm-rest").expect(200);
        assertEquals("it-slurm-jwt", rest.json().getJsonObject("secrets").getString("jwt"));
        assertFalse(rest.text().contains(token), "the API shows the token");
        assertProblem(api.postJson("/api/v1/pools", "{\"name\": \"it-clear\", \"kind\": \"slurm\", \"properties\": {\"jwt\": \"x\"}}"),
                400, "confidential");
        String sgeRoot = env("CAIRN_SGE_ROOT");
        // Grid Engine refuses jobs of root: they run as the cell's job user, who is given the run's folders
        api.postJson("/api/v1/pools", "{\"name\": \"it-gridengine\", \"kind\": \"gridengine\", \"properties\": {\"sgeRoot\": \""
                + sgeRoot + "\", \"sgeCell\": \"" + env("CAIRN_SGE_CELL") + "\", \"submitUser\": \"" + env("CAIRN_SGE_USER")
                + "\", \"sharedRoot\": \"" + data + "\", \"slots\": 4}}").expect(201);
        List<String> pools = List.of("local", "it-docker", "it-slurm-cli", "it-slurm-rest", "it-gridengine");
        for (String pool : pools) {
            assertEquals("UP", api.get("/api/v1/pools/" + pool).expect(200).json().getString("health"), pool);
        }

        api.registerTool("pools-digest", DIGEST);
        Api.Answer workflow = api.postYaml("/api/v1/workflows?name=pools-two-steps", twoSteps());
        assertTrue(workflow.status() == 201 || workflow.status() == 200, workflow::text);
        String input = api.upload("words.txt", "pear\nfig\napple\nfig\n".getBytes(StandardCharsets.UTF_8));
        String inputs = "{\"data\": {\"class\": \"File\", \"location\": \"" + input + "\"}, \"word\": \"it's a \\\"word\\\" $(x)\", \"n\": 7}";

        Map<String, Map<String, String>> toolOutputs = new LinkedHashMap<>();
        List<String> runIds = new ArrayList<>();
        for (String pool : pools) {
            runIds.add(api.submit("{\"tool\": \"pools-digest\", \"pool\": \"" + pool + "\", \"inputs\": " + inputs + "}"));
        }
        for (int i = 0; i < pools.size(); i++) {
            toolOutputs.put(pools.get(i), outputsOf(runIds.get(i)));
        }
        Map<String, String> expected = toolOutputs.get("local");
        assertEquals(Set.of("sorted", "count", "args", "out"), expected.keySet());
        toolOutputs.forEach((pool, outputs) -> assertEquals(expected, outputs, "tool outputs on " + pool + " vs local"));
        assertEquals(sha256("apple\nfig\nfig\npear\n"), expected.get("sorted"));
        assertEquals(sha256("it's a \"word\" $(x)|7|"), expected.get("args"));
        assertEquals(sha256("stdout of it's a \"word\" $(x)\n"), expected.get("out"));

        String workflowInputs = "{\"data\": {\"class\": \"File\", \"location\": \"" + input + "\"}, \"word\": \"w w\"}";
        List<String> workflowRuns = new ArrayList<>();
        for (String pool : pools) {
            workflowRuns.add(api.submit("{\"workflow\": \"pools-two-steps\", \"pool\": \"" + pool + "\", \"cache\": false,"
                    + " \"inputs\": " + workflowInputs + "}"));
        }
        Map<String, Map<String, String>> workflowOutputs = new LinkedHashMap<>();
        for (int i = 0; i < pools.size(); i++) {
            workflowOutputs.put(pools.get(i), outputsOf(workflowRuns.get(i)));
        }
        Map<String, String> expectedWorkflow = workflowOutputs.get("local");
        workflowOutputs.forEach((pool, outputs) -> assertEquals(expectedWorkflow, outputs,
                "workflow outputs on " + pool + " vs local"));
        assertEquals(sha256("apple\nfig\nfig\npear\n"), expectedWorkflow.get("first"));
        assertEquals(sha256("w w|2|"), expectedWorkflow.get("second"));
        assertEquals(sha256("4\n"), expectedWorkflow.get("count"));

        // the token is in no log, no configuration file and no database file of the server
        List<Path> leaks;
        byte[] needle = token.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.walk(server.home())) {
            leaks = files.filter(Files::isRegularFile).filter(f -> !f.startsWith(server.home().resolve("data/runs")))
                    .filter(f -> contains(f, needle)).toList();
        }
        assertEquals(List.of(), leaks, "files holding the Slurm token in clear");
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aPoolThatIsDownMakesRunsWaitAndTheyFinishWhenItIsBack() throws Exception {
        String socket = env("CAIRN_DOCKER_SOCKET");
        // the pool's socket is a link that does not exist yet: dockerd is unreachable for it
        Path link = server.home().resolve("late-docker.sock");
        Files.deleteIfExists(link);
        api.postJson("/api/v1/pools", dockerPool("it-late", link.toString())).expect(201);
        assertEquals("DOWN", api.get("/api/v1/pools/it-late").expect(200).json().getString("health"));
        // the pool has a readiness check of its own, DOWN, which makes /health/ready DOWN (503)
        JsonObject ready = api.get("/health/ready").expect(503).json();
        assertEquals("DOWN", healthCheck(ready, "pool:it-late").getString("status"), ready::toString);
        assertTrue(healthCheck(ready, "pool:it-late").getJsonObject("data").getString("reason").contains("socket"),
                ready::toString);
        assertEquals("UP", healthCheck(ready, "database").getString("status"), ready::toString);
        assertEquals("UP", healthCheck(ready, "pool:local").getString("status"), ready::toString);
        api.registerTool("pools-digest", DIGEST);
        String input = api.upload("late.txt", "b\na\n".getBytes(StandardCharsets.UTF_8));
        String run = api.submit("{\"tool\": \"pools-digest\", \"pool\": \"it-late\", \"inputs\": {\"data\": {\"class\": \"File\","
                + " \"location\": \"" + input + "\"}, \"word\": \"w\", \"n\": 1}}");
        JsonObject waiting = awaitMessage(run, "waiting for pool it-late", Duration.ofSeconds(60));
        assertFalse(Set.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED").contains(waiting.getString("state")),
                waiting::toString);
        TimeUnit.SECONDS.sleep(3);
        assertFalse(api.get("/api/v1/runs/" + run).json().getString("state").endsWith("ERROR"), "still waiting");

        Files.createSymbolicLink(link, Path.of(socket));
        JsonObject done = api.awaitEnd(run);
        assertEquals("COMPLETE", done.getString("state"), done::toString);
        assertFalse(done.containsKey("message") && done.getString("message", "").startsWith("waiting"), done::toString);
        assertEquals(sha256("a\nb\n"), outputsOf(run).get("sorted"));
        assertEquals("UP", api.get("/api/v1/pools/it-late").expect(200).json().getString("health"));
        // the check follows within one refresh period (5 s)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!healthCheck(api.get("/health/ready").json(), "pool:it-late").getString("status").equals("UP")) {
            assertTrue(System.nanoTime() < deadline, () -> api.get("/health/ready").text());
            Api.sleep(500);
        }
        api.delete("/api/v1/pools/it-late").expect(204);
        JsonObject after = api.get("/health/ready").json();
        assertTrue(after.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .noneMatch(check -> check.getString("name").equals("pool:it-late")), after::toString);
    }

    static JsonObject healthCheck(JsonObject health, String name) {
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(check -> check.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + health));
    }

    static final String SLOW = """
            cwlVersion: v1.2
            class: CommandLineTool
            hints:
              DockerRequirement: {dockerPull: "cairn/busybox:latest"}
            baseCommand: [sh, -c, 'sleep 8; echo "$0" > done.txt']
            inputs:
              word: {type: string, inputBinding: {position: 1}}
            outputs:
              done: {type: File, outputBinding: {glob: done.txt}}
            """;

    /**
     * kill -9 of the server while a task runs on docker and on slurm: the restarted server adopts both tasks and
     * submits neither again (dockerd's events show one container created; Slurm's job completion log one job).
     */
    @Test
    void aCrashOfTheServerWhileTasksRunOnDockerAndSlurmAdoptsThemAndSubmitsNothingAgain() throws Exception {
        String socket = env("CAIRN_DOCKER_SOCKET");
        String slurmConf = env("CAIRN_SLURM_CONF");
        String jobcomp = env("CAIRN_SLURM_JOBCOMP_FILE");
        String data = server.home().toString();
        long since = System.currentTimeMillis() / 1000 - 1;
        api.postJson("/api/v1/pools", dockerPool("it-crash-docker", socket)).expect(201);
        api.postJson("/api/v1/pools", "{\"name\": \"it-crash-slurm\", \"kind\": \"slurm\", \"properties\": {\"mode\":"
                + " \"cli\", \"slurmConf\": \"" + slurmConf + "\", \"sharedRoot\": \"" + data + "\", \"jobCompFile\": \""
                + jobcomp + "\"}}").expect(201);
        api.registerTool("pools-slow", SLOW);
        String onDocker = api.submit("{\"tool\": \"pools-slow\", \"pool\": \"it-crash-docker\", \"inputs\": {\"word\": \"d\"}}");
        String onSlurm = api.submit("{\"tool\": \"pools-slow\", \"pool\": \"it-crash-slurm\", \"inputs\": {\"word\": \"s\"}}");
        api.await(onDocker, Set.of("RUNNING"), Duration.ofSeconds(60));
        api.await(onSlurm, Set.of("RUNNING"), Duration.ofSeconds(60));

        server.crashAndStart();

        for (String run : List.of(onDocker, onSlurm)) {
            JsonObject done = api.awaitEnd(run);
            assertEquals("COMPLETE", done.getString("state"), done::toString);
        }
        assertEquals(sha256("d\n"), outputsOf(onDocker).get("done"));
        assertEquals(sha256("s\n"), outputsOf(onSlurm).get("done"));

        String events = curlDocker(socket, "/events?since=" + since + "&until=" + (System.currentTimeMillis() / 1000 + 1)
                + "&filters=" + URLEncoder.encode("{\"type\":[\"container\"],\"event\":[\"create\"],"
                + "\"label\":[\"cairn.pool=it-crash-docker\"]}", StandardCharsets.UTF_8));
        assertEquals(1, events.lines().filter(line -> line.contains("\"create\"")).count(), events);

        try (var tasks = Files.list(server.home().resolve("data/pools/it-crash-slurm/tasks"))) {
            List<Path> folders = tasks.toList();
            assertEquals(1, folders.size(), folders::toString);
            String name = "Name=cairn-" + folders.get(0).getFileName() + " ";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long jobs = 0;
            while (System.nanoTime() < deadline && (jobs = Files.readAllLines(Path.of(jobcomp)).stream()
                    .filter(line -> line.contains(name)).count()) == 0) {
                Api.sleep(500);
            }
            assertEquals(1, jobs, "jobs named " + name + " in " + jobcomp);
        }
    }

    /**
     * dockerd stopped and started while a workflow step runs in one of its containers: the container dies with it;
     * while dockerd is down the run waits; once dockerd answers again the step instance is found lost (SYSTEM_ERROR on
     * the pool), runs again and completes: the run is not lost.
     */
    @Test
    void aDockerdRestartDuringAWorkflowStepLosesNoRun() throws Exception {
        String socket = env("CAIRN_DOCKER_SOCKET");
        api.postJson("/api/v1/pools", dockerPool("it-restart", socket)).expect(201);
        String workflow = """
                cwlVersion: v1.2
                class: Workflow
                inputs: {word: string}
                outputs:
                  done: {type: File, outputSource: slow/done}
                steps:
                  slow:
                    in: {word: word}
                    out: [done]
                    run:
                """ + SLOW.indent(6);
        Api.Answer registered = api.postYaml("/api/v1/workflows?name=pools-restart", workflow);
        assertTrue(registered.status() == 201 || registered.status() == 200, registered::text);
        String run = api.submit("{\"workflow\": \"pools-restart\", \"pool\": \"it-restart\", \"cache\": false,"
                + " \"retries\": 2, \"inputs\": {\"word\": \"again\"}}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!stepStates(run).contains("RUNNING")) {
            assertTrue(System.nanoTime() < deadline, "the step never ran: " + stepStates(run));
            Api.sleep(200);
        }
        Map<String, String> env = Map.of("CAIRN_BACKENDS_DIR", Path.of(socket).getParent().getParent().toString());
        script(env, "bin/backends/docker", "stop");
        try {
            // while dockerd is down nothing is known of the task: the step and the run wait, neither fails
            for (int i = 0; i < 10; i++) {
                Api.sleep(500);
                String state = api.get("/api/v1/runs/" + run).expect(200).json().getString("state");
                assertTrue(Set.of("QUEUED", "INITIALIZING", "RUNNING").contains(state), state);
            }
        } finally {
            // the other tests need dockerd, whatever happened here
            script(env, "bin/backends/docker", "start");
        }
        JsonObject done = api.awaitEnd(run);
        assertEquals("COMPLETE", done.getString("state"), done::toString);
        assertEquals(sha256("again\n"), outputsOf(run).get("done"));
        JsonObject step = api.get("/api/v1/runs/" + run + "/steps").expect(200).json().getJsonArray("items").getJsonObject(0);
        assertEquals(2, step.getInt("attempts"), step::toString);
        api.delete("/api/v1/pools/it-restart").expect(204);
    }

    private List<String> stepStates(String run) {
        return api.get("/api/v1/runs/" + run + "/steps").expect(200).json().getJsonArray("items").stream()
                .map(s -> s.asJsonObject().getString("state")).toList();
    }

    private static void script(Map<String, String> env, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(server.repo().resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0, () -> command + ": " + out);
    }

    private static String curlDocker(String socket, String path) throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--unix-socket", socket, "http://docker" + path)
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }

    private JsonObject awaitMessage(String run, String start, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = api.get("/api/v1/runs/" + run).expect(200).json();
            if (last.getString("message", "").startsWith(start)) {
                return last;
            }
            Api.sleep(200);
        }
        fail("run " + run + " never said '" + start + "'; last seen: " + last);
        return null;
    }

    /** Output name to the SHA-256 of its bytes, downloaded from Cairn. */
    private Map<String, String> outputsOf(String run) throws Exception {
        JsonObject done = api.awaitEnd(run);
        assertEquals("COMPLETE", done.getString("state"), () -> "run on " + done.getString("pool", "?") + ": " + done);
        JsonObject outputs = api.get("/api/v1/runs/" + run + "/outputs").expect(200).json();
        Map<String, String> digests = new LinkedHashMap<>();
        for (String name : outputs.keySet()) {
            JsonObject file = outputs.getJsonObject(name);
            byte[] bytes = api.get(file.getString("location")).expect(200).bytes();
            String digest = sha256(bytes);
            assertEquals("sha256$" + digest, file.getString("checksum"), name);
            digests.put(name, digest);
        }
        return digests;
    }

    private static String rootToken(String slurmConf) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("scontrol", "token", "username=root", "lifespan=7200")
                .redirectErrorStream(true);
        builder.environment().put("SLURM_CONF", slurmConf);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.startsWith("SLURM_JWT=")) {
            fail("scontrol token failed (SLURM_CONF=" + slurmConf + "): exit " + p.exitValue());
        }
        return out.trim().substring("SLURM_JWT=".length());
    }

    private static void assertProblem(Api.Answer answer, int status, String detail) {
        assertEquals(status, answer.status(), answer::text);
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        assertTrue(answer.json().getString("detail").contains(detail), answer::text);
    }

    static String sha256(String text) throws Exception {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
