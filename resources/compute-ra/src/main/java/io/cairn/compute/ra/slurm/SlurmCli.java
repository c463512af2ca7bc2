package io.cairn.compute.ra.slurm;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.batch.CommandRunner;
import io.cairn.compute.ra.batch.Scheduler;
import io.cairn.compute.ra.batch.SchedulerJob;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Slurm through its command-line tools on this host: {@code sbatch --parsable} (the script on standard input),
 * one {@code scontrol -o show job} per poll for all jobs, {@code scancel}. Jobs run as the server's user.
 */
final class SlurmCli implements Scheduler {

    private static final Logger LOG = Logger.getLogger(SlurmCli.class.getName());

    private final CommandRunner runner;
    private final SlurmOptions options;

    SlurmCli(SlurmOptions options) {
        this.options = options;
        Map<String, String> environment = new HashMap<>();
        if (options.slurmConf() != null) {
            environment.put("SLURM_CONF", options.slurmConf());
        }
        this.runner = new CommandRunner(environment, Duration.ofSeconds(30));
    }

    @Override
    public String kind() {
        return SlurmBackends.KIND;
    }

    /** The sbatch command line of a task; the script comes on standard input. */
    static List<String> sbatchCommand(TaskSpec spec, String jobName, String partition) {
        List<String> command = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + jobName,
                "--output=/dev/null", "--error=/dev/null", "--export=NONE", "--chdir=/tmp",
                "--cpus-per-task=" + spec.cores()));
        if (spec.memoryMb() > 0) {
            command.add("--mem=" + spec.memoryMb());
        }
        if (spec.timeLimitSeconds() > 0) {
            command.add("--time=" + SlurmBackends.minutes(spec.timeLimitSeconds()));
        }
        if (partition != null) {
            command.add("--partition=" + partition);
        }
        return command;
    }

    /** {@code 42} or {@code 42;cluster}, as {@code sbatch --parsable} prints it. */
    static String parseSbatch(String stdout) {
        String line = stdout.strip();
        int semicolon = line.indexOf(';');
        String id = semicolon < 0 ? line : line.substring(0, semicolon);
        if (!id.matches("[0-9]+(_[0-9]+)?")) {
            throw new ComputeException("sbatch printed no job id: " + abbreviate(stdout));
        }
        return id;
    }

    @Override
    public String submit(TaskSpec spec, String jobName, String script) {
        CommandRunner.Result result = runner.run(sbatchCommand(spec, jobName, options.partition()), script);
        if (!result.ok()) {
            throw failure("sbatch", result);
        }
        return parseSbatch(result.stdout());
    }

    @Override
    public Map<String, SchedulerJob> query(Map<String, String> jobNames) {
        CommandRunner.Result result = runner.run(List.of("scontrol", "-o", "show", "job"), null);
        if (!result.ok()) {
            throw failure("scontrol show job", result);
        }
        Map<String, SchedulerJob> jobs = parseShowJob(result.stdout(), jobNames, ZoneId.systemDefault());
        if (jobs.size() < jobNames.size() && options.jobCompFile() != null) {
            Map<String, String> rest = new LinkedHashMap<>(jobNames);
            rest.keySet().removeAll(jobs.keySet());
            jobs.putAll(fromJobComp(options.jobCompFile(), rest));
        }
        return jobs;
    }

    /** The wanted jobs among the lines of {@code scontrol -o show job}; the name must match too. */
    static Map<String, SchedulerJob> parseShowJob(String stdout, Map<String, String> jobNames, ZoneId zone) {
        Map<String, SchedulerJob> jobs = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            if (!line.startsWith("JobId=")) {
                continue;
            }
            Map<String, String> fields = SlurmJobs.fields(line);
            String jobId = fields.get("JobId");
            String name = jobNames.get(jobId);
            if (name != null && name.equals(fields.get("JobName"))) {
                jobs.put(jobId, SlurmJobs.fromFields(fields, zone));
            }
        }
        return jobs;
    }

    static Map<String, SchedulerJob> fromJobComp(Path file, Map<String, String> jobNames) {
        Map<String, SchedulerJob> jobs = new LinkedHashMap<>();
        if (!Files.isReadable(file)) {
            return jobs;
        }
        try {
            SlurmJobs.fromJobComp(file, jobNames).forEach((jobId, fields) ->
                    jobs.put(jobId, SlurmJobs.fromFields(fields, ZoneId.systemDefault())));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the Slurm job completion file " + file, e);
        }
        return jobs;
    }

    @Override
    public Optional<String> findByName(String jobName) {
        CommandRunner.Result result = runner.run(List.of("squeue", "-h", "-t", "all", "-n", jobName, "-o", "%i"),
                null);
        if (!result.ok()) {
            throw failure("squeue", result);
        }
        return result.stdout().lines().map(String::strip).filter(line -> line.matches("[0-9]+")).findFirst();
    }

    @Override
    public void cancel(String jobId) {
        CommandRunner.Result result = runner.run(List.of("scancel", jobId), null);
        if (!result.ok() && !result.stderr().contains("Invalid job id")
                && !result.stderr().contains("already completing or completed")) {
            throw failure("scancel", result);
        }
    }

    @Override
    public String describe() {
        CommandRunner.Result result = runner.run(List.of("scontrol", "ping"), null);
        if (!result.ok() || !result.stdout().contains("UP")) {
            throw failure("scontrol ping", result);
        }
        return "Slurm (command line): " + result.stdout().strip();
    }

    /** A failed command: unavailable when it could not reach slurmctld, refused otherwise. */
    static ComputeException failure(String what, CommandRunner.Result result) {
        String text = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        String message = what + " failed (exit " + result.exitCode() + "): " + abbreviate(text);
        if (SlurmBackends.unreachable(text)) {
            return new SchedulerUnavailableException(message);
        }
        return new ComputeException(message);
    }

    private static String abbreviate(String text) {
        String line = text.strip();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
