package io.cairn.compute.ra.gridengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.compute.ComputeConnectionFactory;
import org.junit.jupiter.api.Test;

/** Defaults, normalisation and equality of the Grid Engine pool's properties. */
class GridEngineManagedConnectionFactoryTest {

    @Test
    void defaults() {
        GridEngineManagedConnectionFactory factory = new GridEngineManagedConnectionFactory();
        assertEquals("gridengine", factory.kind());
        assertEquals("gridengine", factory.getPoolName());
        assertEquals(16, factory.getSlots());
        assertEquals("default", factory.getSgeCell());
        assertEquals("h_vmem", factory.getMemoryResource());
        assertEquals(10.0, factory.getSubmitRatePerSecond());
        assertNull(factory.getSgeRoot());
        assertNull(factory.getParallelEnvironment());
        GridEngineOptions options = factory.options();
        assertEquals(new GridEngineOptions(null, "default", null, null, "h_vmem", null, null), options);
    }

    @Test
    void blanksMeanDefaultsAndNoneTurnsMemoryOff() {
        GridEngineManagedConnectionFactory factory = new GridEngineManagedConnectionFactory();
        factory.setPoolName(" ");
        factory.setSgeCell("");
        factory.setQueue(" all.q ");
        factory.setMemoryResource("NONE");
        assertEquals("gridengine", factory.getPoolName());
        assertEquals("default", factory.getSgeCell());
        assertEquals("all.q", factory.getQueue());
        assertNull(factory.options().memoryResource());
        factory.setMemoryResource("");
        assertEquals("h_vmem", factory.options().memoryResource());
        assertThrows(IllegalArgumentException.class, () -> factory.setMemoryResource("h_vmem=1G,h_rt"));
        assertThrows(IllegalArgumentException.class, () -> factory.setSubmitUser("root --"));
    }

    @Test
    void equalWhenAllPropertiesAreEqual() {
        GridEngineManagedConnectionFactory a = new GridEngineManagedConnectionFactory();
        GridEngineManagedConnectionFactory b = new GridEngineManagedConnectionFactory();
        a.setStateDir("/tmp/x");
        b.setStateDir("/tmp/x");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        b.setParallelEnvironment("smp");
        assertNotEquals(a, b);
    }

    @Test
    void itsConnectionFactoryIsTheKindsInterface() {
        Object factory = new GridEngineManagedConnectionFactory().createConnectionFactory();
        assertInstanceOf(GridEngineConnectionFactory.class, factory);
        assertInstanceOf(ComputeConnectionFactory.class, factory);
    }
}
