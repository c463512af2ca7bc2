package io.cairn.compute;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A handle on one compute pool. Every method throws {@link ComputeException} when the backend
 * cannot answer and {@link IllegalStateException} once the handle is closed.
 *
 * <p>Backend ids are opaque strings that stay valid across restarts of the server: a caller
 * records the id returned by {@link #submit(TaskSpec)} before it waits, and after a restart it
 * asks {@link #status(String)} with that id instead of submitting again.
 */
public interface ComputeConnection extends AutoCloseable {

    /**
     * Submits a task. The task may start at once or wait for a free slot (state QUEUED).
     * Submitting the same {@link TaskSpec#taskId()} twice returns the first task's backend id
     * instead of starting a second process.
     *
     * @return the backend id of the task
     */
    String submit(TaskSpec spec);

    /** The current status of a task. An unknown id gives a status in state SYSTEM_ERROR. */
    TaskStatus status(String backendId);

    /**
     * Waits until the task reaches a terminal state or the timeout passes, whichever comes
     * first, and returns the status at that moment. Backends that can be told of a finished task
     * return as soon as it finishes; others poll.
     */
    TaskStatus await(String backendId, Duration timeout);

    /**
     * Waits until at least one of these tasks has reached a terminal state or the timeout passes, whichever comes
     * first, and returns the status of every one of them at that moment, in the order given. This is how a caller
     * that watches many tasks (a workflow's dispatcher) learns of the first end without asking about each task in
     * turn. Backends that are told of a finished task return as soon as it finishes; this default polls
     * {@link #status(String)}, every 5 ms at first and every 250 ms at most.
     */
    default Map<String, TaskStatus> awaitAny(Collection<String> backendIds, Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, Math.min(timeout.toMillis(), Long.MAX_VALUE / 4_000_000)) * 1_000_000L;
        long pause = 5;
        while (true) {
            Map<String, TaskStatus> statuses = new LinkedHashMap<>();
            boolean ended = false;
            for (String backendId : backendIds) {
                TaskStatus status = status(backendId);
                statuses.put(backendId, status);
                ended |= status.state().isTerminal();
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (ended || left <= 0 || backendIds.isEmpty()) {
                return statuses;
            }
            try {
                Thread.sleep(Math.min(pause, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return statuses;
            }
            pause = Math.min(250, pause * 2);
        }
    }

    /**
     * Reads a task's log from {@code offset}, at most {@code maxBytes} bytes. Reading past the
     * end gives an empty chunk whose {@link LogChunk#nextOffset()} equals the offset.
     */
    LogChunk logs(String backendId, LogStream stream, long offset, int maxBytes);

    /**
     * Cancels a task: a queued task never starts, a running one is killed with its whole process
     * tree. Cancelling a finished or unknown task does nothing.
     */
    void cancel(String backendId);

    /** Asks the backend whether it is reachable and how busy it is. Never throws. */
    PoolStatus ping();

    /** Releases the handle; the tasks it submitted keep running. */
    @Override
    void close();
}
