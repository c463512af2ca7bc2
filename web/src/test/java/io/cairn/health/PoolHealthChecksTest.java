package io.cairn.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class PoolHealthChecksTest {

    /** The server's registry, as far as the checks can tell. */
    static final class FakeRegistry implements PoolHealthChecks.Registrar {
        final Map<String, HealthCheck> checks = new LinkedHashMap<>();
        final Set<String> refuse;

        FakeRegistry(Set<String> refuse) {
            this.refuse = refuse;
        }

        @Override
        public boolean register(String key, HealthCheck check) {
            if (refuse.contains(key)) {
                return false;
            }
            checks.put(key, check);
            return true;
        }

        @Override
        public void unregister(String key) {
            checks.remove(key);
        }

        HealthCheckResponse call(String key) {
            return checks.get(key).call();
        }
    }

    static PoolHealthChecks.Ping up(String name) {
        return new PoolHealthChecks.Ping(name, "docker", true, 4, 1, 2, null);
    }

    static PoolHealthChecks.Ping down(String name, String reason) {
        return new PoolHealthChecks.Ping(name, "slurm", false, 0, 0, 0, reason);
    }

    @Test
    void eachPoolGetsACheckOfItsOwnThatAnswersWithTheLatestPing() {
        FakeRegistry registry = new FakeRegistry(Set.of());
        PoolHealthChecks checks = new PoolHealthChecks(registry, "app#");
        Instant first = Instant.parse("2026-12-03T10:00:00Z");
        checks.update(List.of(up("local"), down("hpc", "slurmctld does not answer")), first);

        assertEquals(Set.of("app#pool:local", "app#pool:hpc"), registry.checks.keySet());
        HealthCheckResponse local = registry.call("app#pool:local");
        assertEquals("pool:local", local.getName());
        assertEquals(HealthCheckResponse.Status.UP, local.getStatus());
        assertEquals(4L, local.getData().orElseThrow().get("slots"));
        assertEquals(2L, local.getData().orElseThrow().get("queued"));
        assertEquals(first.toString(), local.getData().orElseThrow().get("checked"));
        HealthCheckResponse hpc = registry.call("app#pool:hpc");
        assertEquals(HealthCheckResponse.Status.DOWN, hpc.getStatus());
        assertEquals("slurmctld does not answer", hpc.getData().orElseThrow().get("reason"));

        HealthCheck before = registry.checks.get("app#pool:hpc");
        Instant second = first.plusSeconds(5);
        checks.update(List.of(up("local"), up("hpc")), second);
        assertEquals(before, registry.checks.get("app#pool:hpc"), "a known pool keeps its check");
        assertEquals(HealthCheckResponse.Status.UP, registry.call("app#pool:hpc").getStatus(), "the pool is back");
        assertEquals(second.toString(), registry.call("app#pool:hpc").getData().orElseThrow().get("checked"));
    }

    @Test
    void aPoolThatIsGoneLosesItsCheck() {
        FakeRegistry registry = new FakeRegistry(Set.of());
        PoolHealthChecks checks = new PoolHealthChecks(registry, "app#");
        checks.update(List.of(up("local"), up("old")), Instant.now());
        HealthCheck old = registry.checks.get("app#pool:old");
        checks.update(List.of(up("local")), Instant.now());

        assertEquals(Set.of("app#pool:local"), registry.checks.keySet());
        assertEquals(Set.of("local"), checks.pools());
        assertNull(checks.answer("old"));
        HealthCheckResponse late = old.call();
        assertEquals(HealthCheckResponse.Status.UP, late.getStatus(), "a withdrawn check held by a slow request");
        assertEquals(true, late.getData().orElseThrow().get("removed"));

        checks.clear();
        assertTrue(registry.checks.isEmpty());
    }

    @Test
    void aCheckTheServerRefusesIsReportedAndTriedAgain() {
        FakeRegistry registry = new FakeRegistry(Set.of("app#pool:bad"));
        PoolHealthChecks checks = new PoolHealthChecks(registry, "app#");
        assertEquals(Set.of("bad"), checks.update(List.of(up("local"), up("bad")), Instant.now()));
        assertEquals(Set.of("local"), checks.pools());
        assertEquals(Set.of("bad"), checks.update(List.of(up("local"), up("bad")), Instant.now()),
                "asked again on the next round");
    }
}
