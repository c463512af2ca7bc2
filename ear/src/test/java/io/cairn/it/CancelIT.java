package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Canceling a run stops its job and kills its whole process tree on the local pool. */
@ExtendWith(CairnServer.class)
@Order(3)
class CancelIT {

    static Api api;

    @BeforeAll
    static void connect(CairnServer server) {
        api = new Api(server);
        api.registerTool("nap", """
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: [sh, -c]
                arguments: ["sleep $0 & sleep $0; wait"]
                inputs:
                  seconds:
                    type: int
                    inputBinding: {position: 1}
                outputs: []
                """);
    }

    @Test
    void cancelKillsTheProcessTree() {
        int seconds = 3000 + (int) (Math.random() * 900);
        String id = api.submit("{\"tool\": \"nap\", \"inputs\": {\"seconds\": " + seconds + "}}");
        api.await(id, Set.of("RUNNING"), Duration.ofMinutes(1));
        awaitProcesses(seconds, true);

        JsonObject answer = api.postJson("/api/v1/runs/" + id + "/cancel", "").expect(202).json();
        assertTrue(Set.of("CANCELING", "CANCELED").contains(answer.getString("state")), answer::toString);
        JsonObject run = api.awaitEnd(id);
        assertEquals("CANCELED", run.getString("state"), run::toString);
        awaitProcesses(seconds, false);

        // canceling again changes nothing
        assertEquals("CANCELED", api.postJson("/api/v1/runs/" + id + "/cancel", "").expect(202).json().getString("state"));
    }

    @Test
    void aRunWaitingForASlotIsCanceledBeforeItsToolStarts() {
        // the pool has 2 slots: two long runs take them, the third waits
        int base = 4000 + (int) (Math.random() * 900);
        String first = api.submit("{\"tool\": \"nap\", \"inputs\": {\"seconds\": " + base + "}}");
        String second = api.submit("{\"tool\": \"nap\", \"inputs\": {\"seconds\": " + (base + 1) + "}}");
        api.await(first, Set.of("RUNNING"), Duration.ofMinutes(1));
        api.await(second, Set.of("RUNNING"), Duration.ofMinutes(1));
        String waiting = api.submit("{\"tool\": \"nap\", \"inputs\": {\"seconds\": " + (base + 2) + "}}");
        api.await(waiting, Set.of("INITIALIZING"), Duration.ofMinutes(1));
        Api.sleep(1000);
        assertEquals("INITIALIZING", api.get("/api/v1/runs/" + waiting).expect(200).json().getString("state"),
                "the third run waits for a slot");
        assertEquals(0, sleepers(base + 2));

        api.postJson("/api/v1/runs/" + waiting + "/cancel", "").expect(202);
        assertEquals("CANCELED", api.awaitEnd(waiting).getString("state"));
        api.postJson("/api/v1/runs/" + first + "/cancel", "").expect(202);
        api.postJson("/api/v1/runs/" + second + "/cancel", "").expect(202);
        assertEquals("CANCELED", api.awaitEnd(first).getString("state"));
        assertEquals("CANCELED", api.awaitEnd(second).getString("state"));
        // the slots are free again, and the canceled run never started
        Api.sleep(1000);
        assertEquals(0, sleepers(base + 2));
        assertEquals(0, api.get("/api/v1/pools").expect(200).json().getJsonArray("items").getJsonObject(0).getInt("running"));
    }

    /** Waits until processes running "sleep SECONDS" exist (or are all gone). */
    private static void awaitProcesses(int seconds, boolean present) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (sleepers(seconds) > 0 == present) {
                return;
            }
            Api.sleep(100);
        }
        assertFalse(true, "processes 'sleep " + seconds + "' " + (present ? "never appeared" : "still run: " + sleepers(seconds)));
    }

    private static long sleepers(int seconds) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(String.valueOf(seconds))).orElse(false))
                .count();
    }
}
