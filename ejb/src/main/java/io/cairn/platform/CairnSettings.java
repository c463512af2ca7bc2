package io.cairn.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
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

    @Inject
    @ConfigProperty(name = "cairn.retries", defaultValue = "2")
    int retries;

    @Inject
    @ConfigProperty(name = "cairn.retry.delay.seconds", defaultValue = "2")
    int retryDelaySeconds;

    @Inject
    @ConfigProperty(name = "cairn.retry.max.delay.seconds", defaultValue = "60")
    int retryMaxDelaySeconds;

    /**
     * How many times a step instance whose task a pool lost runs again: {@code cairn.pool.<pool>.retries} when set,
     * else {@code cairn.retries}.
     */
    public int retries(String pool) {
        return ConfigProvider.getConfig().getOptionalValue("cairn.pool." + pool + ".retries", Integer.class)
                .orElse(retries);
    }

    public Duration retryDelay() {
        return Duration.ofSeconds(Math.max(0, retryDelaySeconds));
    }

    public Duration retryMaxDelay() {
        return Duration.ofSeconds(Math.max(Math.max(0, retryDelaySeconds), retryMaxDelaySeconds));
    }

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
