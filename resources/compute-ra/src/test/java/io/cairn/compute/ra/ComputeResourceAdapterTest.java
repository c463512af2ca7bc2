package io.cairn.compute.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.local.LocalManagedConnectionFactory;
import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkManager;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter inside a container: callbacks run on the container's work manager; there is no inbound side. */
class ComputeResourceAdapterTest {

    @TempDir
    Path root;

    @Test
    void exitCallbacksRunOnTheContainersWorkManager() throws Exception {
        AtomicInteger scheduled = new AtomicInteger();
        ComputeResourceAdapter adapter = new ComputeResourceAdapter();
        adapter.start(bootstrapContext(workManager(scheduled)));
        try {
            LocalManagedConnectionFactory factory = new LocalManagedConnectionFactory();
            factory.setSlots(1);
            factory.setStateDir(root.resolve("state").toString());
            factory.setResourceAdapter(adapter);
            try (ComputeConnection connection = ((ComputeConnectionFactory) factory.createConnectionFactory())
                    .getConnection()) {
                String first = connection.submit(task("first"));
                String second = connection.submit(task("second"));

                // the second task can only start from the first one's exit callback
                assertEquals(TaskState.COMPLETE, connection.await(second, Duration.ofSeconds(10)).state());
                assertEquals(TaskState.COMPLETE, connection.status(first).state());
            }
            assertTrue(scheduled.get() >= 1, "no callback went through the work manager");
        } finally {
            adapter.stop();
        }
    }

    @Test
    void thereIsNoInboundSide() {
        assertThrows(NotSupportedException.class, () -> new ComputeResourceAdapter().endpointActivation(null, null));
    }

    private TaskSpec task(String taskId) {
        Path dir = root.resolve(taskId);
        return new TaskSpec(taskId, List.of("/bin/sh", "-c", "sleep 0.2"), Map.of(), dir.toString(), null,
                dir.resolve("out").toString(), dir.resolve("err").toString(), 1, 0, null);
    }

    /** A work manager that runs each scheduled work on a thread of its own and counts them. */
    private static WorkManager workManager(AtomicInteger scheduled) {
        return (WorkManager) Proxy.newProxyInstance(WorkManager.class.getClassLoader(),
                new Class<?>[] {WorkManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("scheduleWork")) {
                        scheduled.incrementAndGet();
                        new Thread(((Work) args[0])::run).start();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static BootstrapContext bootstrapContext(WorkManager workManager) {
        return (BootstrapContext) Proxy.newProxyInstance(BootstrapContext.class.getClassLoader(),
                new Class<?>[] {BootstrapContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getWorkManager")) {
                        return workManager;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
