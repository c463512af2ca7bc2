package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The new properties of the Slurm pool: defaults, checks, and their place in the configuration (and equality). */
class SlurmManagedConnectionFactoryTest {

    @Test
    void defaults() {
        SlurmManagedConnectionFactory factory = new SlurmManagedConnectionFactory();
        Map<String, Object> configuration = factory.configuration();
        assertEquals(22, configuration.get("sshPort"));
        assertEquals("strict", configuration.get("sshHostKeyPolicy"));
        assertEquals(15, configuration.get("sshConnectTimeoutSeconds"));
        assertEquals(32, configuration.get("arrayThreshold"));
        assertEquals(0, configuration.get("arrayThrottle"));
        assertEquals("none", configuration.get("containerRuntime"));
    }

    @Test
    void sshModeNeedsItsSettingsAndTakesOnlyKnownPolicies() {
        SlurmManagedConnectionFactory factory = new SlurmManagedConnectionFactory();
        factory.setMode("SSH");
        assertEquals("ssh", factory.getMode());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, factory::scheduler);
        assertTrue(missing.getMessage().contains("sshHost"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> factory.setMode("telnet"));
        assertThrows(IllegalArgumentException.class, () -> factory.setSshHostKeyPolicy("no"));
        factory.setSshHostKeyPolicy("Accept-New");
        assertEquals("accept-new", factory.getSshHostKeyPolicy());
        factory.setSshHost("login");
        factory.setSshUser("cairn");
        factory.setSshKeyFile("/etc/cairn/key");
        factory.setSshKnownHostsFile("/etc/cairn/known_hosts");
        SshCommands.Target target = factory.sshTarget();
        assertEquals("cairn@login:22", target.toString());
        assertEquals(SshCommands.HostKeyPolicy.ACCEPT_NEW, target.policy());
        assertTrue(factory.scheduler() instanceof SlurmCli);
    }

    @Test
    void containerRuntimeNamesAndEquality() {
        SlurmManagedConnectionFactory one = new SlurmManagedConnectionFactory();
        SlurmManagedConnectionFactory two = new SlurmManagedConnectionFactory();
        assertEquals(one, two);
        two.setContainerRuntime("Apptainer");
        assertEquals("apptainer", two.getContainerRuntime());
        assertNotEquals(one, two);
        assertThrows(IllegalArgumentException.class, () -> one.setContainerRuntime("docker"));
        two.setContainerRuntime("");
        assertEquals(one, two);
        two.setArrayThreshold(0);
        assertNotEquals(one, two);
    }
}
