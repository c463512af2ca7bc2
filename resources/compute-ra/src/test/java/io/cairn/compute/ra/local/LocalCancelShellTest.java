package io.cairn.compute.ra.local;

/** {@link LocalCancelTest} with each task started through the {@code setsid} and shell wrapper instead of the launcher. */
class LocalCancelShellTest extends LocalCancelTest {

    @Override
    String launcher() {
        return LocalBackend.LAUNCHER_SHELL;
    }
}
