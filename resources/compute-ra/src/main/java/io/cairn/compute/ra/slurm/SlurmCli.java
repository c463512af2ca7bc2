package io.cairn.compute.ra.slurm;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.ra.batch.ArrayScript;
import io.cairn.compute.ra.batch.CommandRunner;
import io.cairn.compute.ra.batch.Commands;
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
 * Slurm through its command-line tools, on this host ({@code cli} mode, jobs run as the server's user) or on a login
 * node over SSH ({@code ssh} mode, jobs run as the SSH user): {@code sbatch --parsable} (the script on standard
 * input, so nothing is written on the login node), one {@code scontrol -o show job} per poll for all jobs,
 * {@code scancel}. Over SSH, {@code SLURM_CONF} is passed as an {@code env} argument and the job completion file is
 * read on the login node.
 */
final class SlurmCli implements Scheduler {

    private static final Logger LOG = Logger.getLogger(SlurmCli.class.getName());

    private final Commands runner;
    private final SlurmOptions options;
    private final boolean remote;

    /**
     * Over SSH, {@code scontrol -o show job} with only the lines of Cairn's jobs sent back (every job name Cairn
     * gives starts with {@code cairn-}): on a busy cluster the full listing is megabytes per poll. A fixed command,
     * no data in it; scontrol's failure is its exit code.
     */
    static final List<String> REMOTE_SHOW_JOBS = List.of("/bin/sh", "-c",
            "out=$(scontrol -o show job) || exit $?; printf '%s\\n' \"$out\" | grep -F 'JobName=cairn-' || true");

    /** Slurm's tools on this host. */
    SlurmCli(SlurmOptions options) {
        this.options = options;
        Map<String, String> environment = new HashMap<>();
        if (options.slurmConf() != null) {
            environment.put("SLURM_CONF", options.slurmConf());
        }
        this.runner = new CommandRunner(environment, Duration.ofSeconds(30));
        this.remote = false;
    }

    /** Slurm's tools run by {@code commands} elsewhere (over SSH): their files are the remote host's. */
    SlurmCli(SlurmOptions options, Commands commands) {
        this.options = options;
        this.runner = commands;
        this.remote = true;
    }

    /** The command as run: over SSH with {@code env SLURM_CONF=...} in front when a slurm.conf is configured. */
    private CommandRunner.Result run(List<String> command, String stdin) {
        if (remote && options.slurmConf() != null && !command.get(0).equals("env")) {
            List<String> full = new ArrayList<>(List.of("env", "SLURM_CONF=" + options.slurmConf()));
            full.addAll(command);
            return runner.run(full, stdin);
        }
        return runner.run(command, stdin);
    }

    @Override
    public void close() {
        if (runner instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing " + runner.where(), e);
            }
        }
    }

    @Override
    public String kind() {
        return SlurmBackends.KIND;
    }

    /** The PATH sbatch runs with, and with it the job's script (which sets its own PATH for the tool). */
    static final String JOB_PATH = "/usr/local/bin:/usr/bin:/bin";

    /**
     * The sbatch command line of a task; the script comes on standard input. It gives no {@code --export}, so the job
     * gets sbatch's environment, which {@link #withJobEnvironment} clears to PATH, LANG and SLURM_CONF: none of the
     * server's variables reach the job (the script runs the tool under {@code env -i} with the task's own), and
     * slurmd loads no login environment for it. {@code --export=NONE} and {@code NIL} make slurmd set up an
     * environment of its own per job ({@code su - USER -c env} for NONE), which was measured to cost seconds per
     * job under load.
     */
    static List<String> sbatchCommand(TaskSpec spec, String jobName, String partition) {
        List<String> command = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + jobName,
                "--output=/dev/null", "--error=/dev/null", "--chdir=/tmp",
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

    /** The sbatch command line of a job array: {@code --array=0-(size-1)%throttle}. */
    static List<String> sbatchArrayCommand(TaskSpec resources, String jobName, String partition, int size,
                                           int throttle) {
        if (size < 1 || throttle < 1) {
            throw new IllegalArgumentException("a job array needs at least one element and a throttle of 1 or more");
        }
        List<String> command = sbatchCommand(resources, jobName, partition);
        command.add("--array=0-" + (size - 1) + "%" + throttle);
        return command;
    }

    /** sbatch under a cleared environment (the job's environment): {@code env -i PATH=... LANG=C.UTF-8 [SLURM_CONF=...]}. */
    static List<String> withJobEnvironment(List<String> sbatch, String slurmConf) {
        List<String> full = new ArrayList<>(List.of("env", "-i", "PATH=" + JOB_PATH, "LANG=C.UTF-8"));
        if (slurmConf != null) {
            full.add("SLURM_CONF=" + slurmConf);
        }
        full.addAll(sbatch);
        return full;
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
        CommandRunner.Result result = run(withJobEnvironment(sbatchCommand(spec, jobName, options.partition()),
                options.slurmConf()), script);
        if (!result.ok()) {
            throw failure("sbatch", result);
        }
        return parseSbatch(result.stdout());
    }

    @Override
    public boolean supportsArrays() {
        return true;
    }

    @Override
    public String submitArray(TaskSpec resources, String jobName, List<String> scripts, int throttle) {
        String script = ArrayScript.render("SLURM_ARRAY_TASK_ID", scripts);
        CommandRunner.Result result = run(withJobEnvironment(sbatchArrayCommand(resources, jobName,
                options.partition(), scripts.size(), throttle), options.slurmConf()), script);
        if (!result.ok()) {
            throw failure("sbatch --array", result);
        }
        return parseSbatch(result.stdout());
    }

    @Override
    public String arrayElement(String arrayJobId, int index) {
        return arrayJobId + "_" + index;
    }

    @Override
    public Map<String, SchedulerJob> query(Map<String, String> jobNames) {
        CommandRunner.Result result = run(remote ? REMOTE_SHOW_JOBS : List.of("scontrol", "-o", "show", "job"), null);
        if (!result.ok()) {
            throw failure("scontrol show job", result);
        }
        Map<String, SchedulerJob> jobs = parseShowJob(result.stdout(), jobNames, ZoneId.systemDefault());
        if (jobs.size() < jobNames.size() && options.jobCompFile() != null) {
            Map<String, String> rest = new LinkedHashMap<>(jobNames);
            rest.keySet().removeAll(jobs.keySet());
            jobs.putAll(remote ? fromRemoteJobComp(rest) : fromJobComp(options.jobCompFile(), rest));
        }
        return jobs;
    }

    /**
     * The wanted jobs among the lines of {@code scontrol -o show job}; the name must match too. An array element is
     * wanted as {@code ARRAYID_INDEX}: a line of a started element names its index ({@code ArrayTaskId=5}), the line
     * of the elements still pending names them all ({@code ArrayTaskId=6-99%10}).
     */
    static Map<String, SchedulerJob> parseShowJob(String stdout, Map<String, String> jobNames, ZoneId zone) {
        Map<String, SchedulerJob> jobs = new LinkedHashMap<>();
        Map<String, List<String>> wantedElements = new HashMap<>();
        for (String jobId : jobNames.keySet()) {
            int underscore = jobId.indexOf('_');
            if (underscore > 0) {
                wantedElements.computeIfAbsent(jobId.substring(0, underscore), key -> new ArrayList<>()).add(jobId);
            }
        }
        for (String line : stdout.split("\n")) {
            if (!line.startsWith("JobId=")) {
                continue;
            }
            // the listing holds every job slurmctld still keeps (MinJobAge): skip the others before parsing a line
            String jobIdValue = word(line, "JobId=");
            String arrayJobIdValue = word(line, " ArrayJobId=");
            if (!jobNames.containsKey(jobIdValue)
                    && (arrayJobIdValue == null || !wantedElements.containsKey(arrayJobIdValue))) {
                continue;
            }
            Map<String, String> fields = SlurmJobs.fields(line);
            String arrayJobId = fields.get("ArrayJobId");
            String arrayTaskId = fields.get("ArrayTaskId");
            if (arrayJobId != null && arrayTaskId != null) {
                for (String element : wantedElements.getOrDefault(arrayJobId, List.of())) {
                    int index = Integer.parseInt(element.substring(element.indexOf('_') + 1));
                    if (SlurmJobs.inIndexSet(arrayTaskId, index) && jobNames.get(element).equals(fields.get("JobName"))) {
                        jobs.put(element, SlurmJobs.fromFields(fields, zone));
                    }
                }
                continue;
            }
            String jobId = fields.get("JobId");
            String name = jobNames.get(jobId);
            if (name != null && name.equals(fields.get("JobName"))) {
                jobs.put(jobId, SlurmJobs.fromFields(fields, zone));
            }
        }
        return jobs;
    }

    /** The text after the first {@code key} in the line up to the next space, or null. */
    private static String word(String line, String key) {
        int at = line.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int end = line.indexOf(' ', from);
        return line.substring(from, end < 0 ? line.length() : end);
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

    /** The job completion file's lines of these jobs, picked on the remote host with {@code grep -F}. */
    private Map<String, SchedulerJob> fromRemoteJobComp(Map<String, String> jobNames) {
        List<String> command = new ArrayList<>(List.of("grep", "-F"));
        for (String jobId : jobNames.keySet()) {
            int underscore = jobId.indexOf('_');
            command.add("-e");
            command.add(underscore < 0 ? "JobId=" + jobId + " " : "ArrayJobId=" + jobId.substring(0, underscore)
                    + " ArrayTaskId=" + jobId.substring(underscore + 1) + " ");
        }
        command.add("--");
        command.add(options.jobCompFile().toString());
        CommandRunner.Result result = run(command, null);
        Map<String, SchedulerJob> jobs = new LinkedHashMap<>();
        if (result.exitCode() > 1) {
            LOG.warning(() -> "cannot read the Slurm job completion file " + options.jobCompFile() + " over "
                    + runner.where() + ": " + abbreviate(result.stderr()));
            return jobs;
        }
        try {
            SlurmJobs.fromJobComp(new java.io.BufferedReader(new java.io.StringReader(result.stdout())), jobNames)
                    .forEach((jobId, fields) -> jobs.put(jobId, SlurmJobs.fromFields(fields, ZoneId.systemDefault())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return jobs;
    }

    @Override
    public Optional<String> findByName(String jobName) {
        // %F: the job id, or for an array the array's job id
        CommandRunner.Result result = run(List.of("squeue", "-h", "-t", "all", "-n", jobName, "-o", "%F"),
                null);
        if (!result.ok()) {
            throw failure("squeue", result);
        }
        return result.stdout().lines().map(String::strip).filter(line -> line.matches("[0-9]+")).findFirst();
    }

    @Override
    public void cancel(String jobId) {
        CommandRunner.Result result = run(List.of("scancel", jobId), null);
        if (!result.ok() && !result.stderr().contains("Invalid job id")
                && !result.stderr().contains("already completing or completed")) {
            throw failure("scancel", result);
        }
    }

    @Override
    public String describe() {
        CommandRunner.Result result = run(List.of("scontrol", "ping"), null);
        if (!result.ok() || !result.stdout().contains("UP")) {
            throw failure("scontrol ping", result);
        }
        return "Slurm (command line on " + runner.where() + "): " + result.stdout().strip();
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
