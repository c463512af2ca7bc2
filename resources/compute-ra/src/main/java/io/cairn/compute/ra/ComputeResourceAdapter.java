package io.cairn.compute.ra;

import io.cairn.compute.PoolKinds;
import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.TransactionSupport.TransactionSupportLevel;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * The one resource adapter of Cairn's compute pools. It keeps the container's work manager and a registry of
 * running backends, so that every {@link ComputeManagedConnectionFactory} of one pool shares a single backend (one
 * slot counter, one queue), however many factory instances the container makes.
 *
 * <p>{@link #stop()} shuts the backends down without touching their tasks: tasks outlive a redeploy or a server
 * restart and are adopted by the next backend on the same state.
 */
@Connector(
        displayName = "Cairn compute",
        description = "Runs Cairn tasks on compute pools: local processes, Docker, Slurm, Grid Engine and Kubernetes.",
        vendorName = "Cairn",
        eisType = "Compute pool",
        version = "1.0",
        transactionSupport = TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false,
        licenseRequired = false)
public class ComputeResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(ComputeResourceAdapter.class.getName());

    private final Map<String, Running> backends = new HashMap<>();
    private WorkExecutor executor;
    private volatile RuntimePools runtimePools;

    /**
     * The adapter used by factories that the container never associated with one (plain unit tests, a factory made
     * with {@code createConnectionFactory()} outside a server). It is never started or stopped.
     */
    static ComputeResourceAdapter standalone() {
        return Standalone.INSTANCE;
    }

    @Override
    public synchronized void start(BootstrapContext context) {
        executor = new WorkExecutor(context == null ? null : context.getWorkManager());
        runtimePools = new RuntimePools(this);
        PoolKinds.Registry.register(runtimePools);
        LOG.info("Cairn compute resource adapter started");
    }

    @Override
    public void stop() {
        WorkExecutor stopped;
        if (runtimePools != null) {
            PoolKinds.Registry.unregister(runtimePools);
        }
        synchronized (this) {
            backends.forEach((identity, running) -> running.backend().shutdown());
            backends.clear();
            stopped = executor;
            executor = null;
        }
        if (stopped != null) {
            stopped.shutdown();
        }
        LOG.info("Cairn compute resource adapter stopped; running tasks were left running");
    }

    /**
     * The backend that serves {@code identity} (what the backend owns exclusively, such as a state folder). A backend
     * made for another configuration of the same identity is shut down and replaced, so that a reconfigured pool
     * never runs two backends on the same state.
     *
     * @param configuration all configuration properties of the asking factory
     * @param factory       makes the backend; gets the executor for its callbacks
     */
    public synchronized Backend backend(String identity, Map<String, Object> configuration,
                                        Function<Executor, Backend> factory) {
        Running running = backends.get(identity);
        if (running != null && !running.backend().isShutdown()) {
            if (running.configuration().equals(configuration)) {
                return running.backend();
            }
            LOG.info(() -> "compute pool " + identity + " reconfigured from " + running.configuration() + " to "
                    + configuration + "; replacing its backend");
            running.backend().shutdown();
        }
        backends.remove(identity);
        Backend backend = factory.apply(executor());
        backends.put(identity, new Running(Map.copyOf(configuration), backend));
        return backend;
    }

    /** Shuts down the backend serving {@code identity}, if any (its pool is being removed); tasks keep running. */
    public synchronized void release(String identity) {
        Running running = backends.remove(identity);
        if (running != null) {
            LOG.info(() -> "compute pool " + identity + " removed; its backend stopped");
            running.backend().shutdown();
        }
    }

    /** The pools made at run time through this adapter (for tests outside a server). */
    PoolKinds runtimePools() {
        return runtimePools != null ? runtimePools : new RuntimePools(this);
    }

    private Executor executor() {
        if (executor == null) {
            executor = new WorkExecutor(null);
        }
        return executor;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpointFactory, ActivationSpec spec)
            throws NotSupportedException {
        throw new NotSupportedException("Cairn compute pools have no inbound side");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        // nothing is ever activated
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    private record Running(Map<String, Object> configuration, Backend backend) {
    }

    private static final class Standalone {
        static final ComputeResourceAdapter INSTANCE = new ComputeResourceAdapter();
    }
}
