package io.cairn.compute;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes connection factories of pools that are defined at run time (through the API, stored in Cairn's database)
 * rather than as connector resources. The resource adapter registers its implementation when the container starts
 * it and removes it when it stops, so a caller always gets factories that share the running adapter's backends.
 */
public interface PoolKinds {

    /** The kinds this adapter can make pools of, such as {@code local} and {@code docker}, sorted. */
    List<String> kinds();

    /** The configuration properties of a kind, in declaration order. */
    List<Property> properties(String kind);

    /**
     * A connection factory of a pool of {@code kind} configured with {@code properties} (names as in
     * {@link #properties(String)}; values as text). Properties not given keep their defaults.
     *
     * @throws IllegalArgumentException for an unknown kind, an unknown property or a value of the wrong type, with a
     *                                  message that names it
     */
    ComputeConnectionFactory create(String kind, Map<String, String> properties);

    /**
     * Stops the backend of a pool that is being removed; its tasks keep running (as after a redeploy). A factory
     * made before is unusable afterwards.
     */
    void release(ComputeConnectionFactory factory);

    /**
     * One configuration property of a kind.
     *
     * @param name         the property's name
     * @param type         {@code String}, {@code Integer}, {@code Long}, {@code Double} or {@code Boolean}
     * @param defaultValue its default as text, or null when it has none
     * @param description  what it means
     * @param secret       whether its value is confidential (a password, key or token): such a value is given by
     *                     reference to where it is kept, never stored or shown in clear
     */
    record Property(String name, String type, String defaultValue, String description, boolean secret) {
    }

    /** The registration of the running resource adapter's implementation. */
    final class Registry {

        private static final AtomicReference<PoolKinds> CURRENT = new AtomicReference<>();

        private Registry() {
        }

        /** The running adapter's implementation, or empty while no adapter runs. */
        public static Optional<PoolKinds> current() {
            return Optional.ofNullable(CURRENT.get());
        }

        /** Called by the resource adapter when it starts. */
        public static void register(PoolKinds kinds) {
            CURRENT.set(kinds);
        }

        /** Called by the resource adapter when it stops; leaves a newer registration alone. */
        public static void unregister(PoolKinds kinds) {
            CURRENT.compareAndSet(kinds, null);
        }
    }
}
