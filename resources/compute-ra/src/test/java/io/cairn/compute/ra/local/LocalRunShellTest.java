package io.cairn.compute.ra.local;

/** {@link LocalRunTest} with each task started through the {@code setsid} and shell wrapper instead of the launcher. */
class LocalRunShellTest extends LocalRunTest {

    @Override
    String launcher() {
        return LocalBackend.LAUNCHER_SHELL;
    }
}
