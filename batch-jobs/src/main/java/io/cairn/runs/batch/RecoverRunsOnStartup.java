package io.cairn.runs.batch;

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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * After the server starts, resumes every run the previous server left unfinished. Runs after a
 * short delay so that the batch runtime and the pools are ready.
 */
@Singleton
@Startup
@DependsOn("cairn-ejb.jar#DatabaseMigration")
public class RecoverRunsOnStartup {

    private static final Logger LOG = Logger.getLogger(RecoverRunsOnStartup.class.getName());

    @Resource
    TimerService timers;

    @EJB
    Runs runs;

    @EJB
    RunJobs jobs;

    @PostConstruct
    void schedule() {
        timers.createSingleActionTimer(3_000, new TimerConfig("resume unfinished runs", false));
    }

    @Timeout
    void resume() {
        for (Run run : runs.unfinished()) {
            try {
                jobs.resumeAfterRestart(run.getId());
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "could not resume run " + run.getId(), e);
            }
        }
    }
}
