package io.cairn.compute.ra.batch;

import io.cairn.compute.ComputeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scheduler's command-line tools: an argument list (never a shell line), an optional text on standard input,
 * captured output, and a time limit after which the command is killed and counts as the scheduler being unavailable.
 */
public final class CommandRunner implements Commands {

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Map<String, String> environment;
    private final Duration timeout;

    /** @param environment variables to set for the commands on top of the server's own (SLURM_CONF, SGE_ROOT) */
    public CommandRunner(Map<String, String> environment, Duration timeout) {
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /**
     * Runs the command and waits for it.
     *
     * @throws SchedulerUnavailableException when it does not end in time
     * @throws ComputeException              when it cannot be started (the tool is not installed)
     */
    @Override
    public Result run(List<String> command, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ComputeException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command did not read all of it; its exit code and stderr tell why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new SchedulerUnavailableException(command.get(0) + " did not answer within " + timeout);
            }
            return new Result(process.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
                    new String(err.get(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SchedulerUnavailableException("interrupted while " + command.get(0) + " ran");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ComputeException("cannot read the output of " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String where() {
        return "this host";
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stream.transferTo(buffer);
                return buffer.toByteArray();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }
}
