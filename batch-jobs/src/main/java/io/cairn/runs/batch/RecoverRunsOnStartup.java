package io.cairn.runs.batch;

import io.cairn.pools.control.ComputeGateway;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.entity.Run;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * After the server starts, resumes every run the previous server left unfinished. Runs after a
 * short delay so that the batch runtime is ready; a run whose pool is not bound yet waits for it
 * (up to {@link #POOL_GRACE}) instead of failing.
 */
@Singleton
@Startup
@DependsOn("cairn-ejb.jar#DatabaseMigration")
public class RecoverRunsOnStartup {

    private static final Logger LOG = Logger.getLogger(RecoverRunsOnStartup.class.getName());

    /** How long runs wait for their pool to be bound again (bin/cairn recreates pools after a deploy). */
    private static final Duration POOL_GRACE = Duration.ofMinutes(10);

    @Resource
    TimerService timers;

    @EJB
    Runs runs;

    @EJB
    RunJobs jobs;

    @Inject
    ComputeGateway gateway;

    private Instant deadline;

    @PostConstruct
    void schedule() {
        deadline = Instant.now().plus(POOL_GRACE);
        timers.createSingleActionTimer(3_000, new TimerConfig("resume unfinished runs", false));
    }

    @Timeout
    void resume() {
        boolean waiting = false;
        for (Run run : runs.unfinished()) {
            if (!gateway.exists(run.getPool()) && Instant.now().isBefore(deadline)) {
                waiting = true;
                continue;
            }
            try {
                jobs.resumeAfterRestart(run.getId());
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "could not resume run " + run.getId(), e);
            }
        }
        if (waiting) {
            LOG.info("some unfinished runs wait for their pool to be bound; looking again in 5 s");
            timers.createSingleActionTimer(5_000, new TimerConfig("resume unfinished runs", false));
        }
    }
}
