package io.cairn.compute.ra;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the backends' short callbacks (a task ended, start the next one). Inside the server it hands them to the
 * container's {@link WorkManager}; without one (plain unit tests, a non-managed factory) or when the work manager
 * refuses, it falls back to a small pool of daemon threads of its own.
 */
final class WorkExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(WorkExecutor.class.getName());

    private final WorkManager workManager;
    private ExecutorService fallback;
    private boolean shutdown;

    /** @param workManager the container's work manager, or {@code null} to use own threads */
    WorkExecutor(WorkManager workManager) {
        this.workManager = workManager;
    }

    @Override
    public void execute(Runnable command) {
        if (workManager != null) {
            try {
                workManager.scheduleWork(new RunnableWork(command));
                return;
            } catch (WorkException | RuntimeException e) {
                LOG.log(Level.FINE, "work manager refused a callback, running it on an own thread", e);
            }
        }
        fallback().execute(command);
    }

    /** Stops the fallback threads after the callbacks already handed over. */
    synchronized void shutdown() {
        shutdown = true;
        if (fallback != null) {
            fallback.shutdown();
        }
    }

    private synchronized ExecutorService fallback() {
        if (fallback == null) {
            if (shutdown) {
                throw new java.util.concurrent.RejectedExecutionException("the executor is shut down");
            }
            AtomicInteger count = new AtomicInteger();
            ThreadFactory threads = r -> {
                Thread t = new Thread(r, "cairn-compute-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            fallback = Executors.newCachedThreadPool(threads);
        }
        return fallback;
    }

    private record RunnableWork(Runnable task) implements Work {

        @Override
        public void run() {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a compute backend callback failed", e);
            }
        }

        @Override
        public void release() {
            // callbacks are short and have nothing to interrupt
        }
    }
}
