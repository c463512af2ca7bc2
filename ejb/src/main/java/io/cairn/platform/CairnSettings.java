package io.cairn.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings read through MicroProfile Config. Defaults are in this module's
 * {@code META-INF/microprofile-config.properties}; {@code bin/cairn} sets {@code cairn.data.dir}
 * as a system property of the domain.
 */
@ApplicationScoped
public class CairnSettings {

    @Inject
    @ConfigProperty(name = "cairn.data.dir")
    String dataDir;

    @Inject
    @ConfigProperty(name = "cairn.default.pool", defaultValue = "local")
    String defaultPool;

    @Inject
    @ConfigProperty(name = "cairn.runs.poll.seconds", defaultValue = "2")
    int pollSeconds;

    /** The root every stored file, run folder and pool state lives under. */
    public Path dataDir() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    public Path filesDir() {
        return dataDir().resolve("files");
    }

    public Path runsDir() {
        return dataDir().resolve("runs");
    }

    public String defaultPool() {
        return defaultPool;
    }

    /** How long one wait on the backend may block before the run checks for a stop request. */
    public int pollSeconds() {
        return pollSeconds;
    }
}
