package io.cairn.compute.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.PoolKinds;
import io.cairn.compute.PoolStatus;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.kubernetes.KubernetesManagedConnectionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pools made at run time from a kind and text properties, sharing the running adapter's backends. */
class RuntimePoolsTest {

    @TempDir
    Path root;

    ComputeResourceAdapter adapter;
    PoolKinds kinds;

    @BeforeEach
    void start() {
        adapter = new ComputeResourceAdapter();
        adapter.start(null);
        kinds = PoolKinds.Registry.current().orElseThrow();
    }

    @AfterEach
    void stop() {
        adapter.stop();
    }

    @Test
    void theAdapterRegistersItselfWhileItRuns() {
        assertSame(kinds, adapter.runtimePools());
        adapter.stop();
        assertTrue(PoolKinds.Registry.current().isEmpty());
        adapter.start(null);
        assertNotSame(kinds, PoolKinds.Registry.current().orElseThrow());
    }

    @Test
    void kindsAndTheirPropertiesWithDefaultsAndDescriptions() {
        assertTrue(kinds.kinds().containsAll(List.of("docker", "local", "slurm")), kinds.kinds()::toString);
        List<PoolKinds.Property> local = kinds.properties("local");
        PoolKinds.Property slots = local.stream().filter(p -> p.name().equals("slots")).findFirst().orElseThrow();
        assertEquals("Integer", slots.type());
        assertEquals("2", slots.defaultValue());
        assertTrue(slots.description().contains("at once"), slots.description());
        assertTrue(kinds.properties("slurm").stream().anyMatch(p -> p.name().equals("partition")));
    }

    @Test
    void aLocalPoolMadeFromTextPropertiesRunsATask() throws Exception {
        ComputeConnectionFactory factory = kinds.create("local", Map.of("poolName", "rt", "slots", " 3 ",
                "stateDir", root.resolve("state").toString()));
        Path work = Files.createDirectories(root.resolve("work"));
        try (ComputeConnection c = factory.getConnection()) {
            PoolStatus status = c.ping();
            assertEquals("local", status.kind());
            assertEquals(3, status.slots());
            TaskSpec spec = new TaskSpec("t1", List.of("/bin/sh", "-c", "echo hi"), Map.of(), work.toString(), null,
                    work.resolve("out").toString(), work.resolve("err").toString(), 1, 0, null);
            String id = c.submit(spec);
            assertEquals(TaskState.COMPLETE, c.await(id, Duration.ofSeconds(30)).state());
        }
        assertEquals("hi\n", Files.readString(work.resolve("out")));
    }

    @Test
    void confidentialPropertiesAreMarkedAndNeverShown() {
        PoolKinds.Property token = kinds.properties("kubernetes").stream().filter(p -> p.name().equals("token"))
                .findFirst().orElseThrow();
        assertTrue(token.secret());
        assertTrue(kinds.properties("docker").stream().noneMatch(PoolKinds.Property::secret));
        KubernetesManagedConnectionFactory factory =
                new KubernetesManagedConnectionFactory();
        factory.setToken("s3cr3t-token-value");
        assertTrue(!factory.toString().contains("s3cr3t") && !factory.configuration().toString().contains("s3cr3t"),
                factory::toString);
        KubernetesManagedConnectionFactory other =
                new KubernetesManagedConnectionFactory();
        other.setToken("another-token");
        assertNotEquals(factory, other, "a changed token changes the configuration");
    }

    @Test
    void badPropertiesAreNamed() {
        IllegalArgumentException unknownKind = assertThrows(IllegalArgumentException.class,
                () -> kinds.create("pbs", Map.of()));
        assertTrue(unknownKind.getMessage().contains("unknown pool kind 'pbs'"), unknownKind.getMessage());
        assertTrue(unknownKind.getMessage().contains("docker, gridengine, kubernetes, local, slurm"), unknownKind.getMessage());
        IllegalArgumentException unknownProperty = assertThrows(IllegalArgumentException.class,
                () -> kinds.create("local", Map.of("slot", "2")));
        assertTrue(unknownProperty.getMessage().contains("no property 'slot'"), unknownProperty.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> kinds.create("local", Map.of("slots", "two")));
        assertEquals("property 'slots' must be an integer, was 'two'", notANumber.getMessage());
    }

    @Test
    void releaseStopsTheBackendAndANewFactoryGetsAFreshOne() throws Exception {
        Map<String, String> properties = Map.of("stateDir", root.resolve("state").toString());
        ComputeConnectionFactory first = kinds.create("local", properties);
        try (ComputeConnection c = first.getConnection()) {
            assertTrue(c.ping().up());
        }
        kinds.release(first);
        ComputeConnectionFactory second = kinds.create("local", properties);
        try (ComputeConnection c = second.getConnection()) {
            assertTrue(c.ping().up());
        }
    }
}
