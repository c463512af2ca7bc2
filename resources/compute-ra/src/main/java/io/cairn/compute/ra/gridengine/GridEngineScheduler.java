package io.cairn.compute.ra.gridengine;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.batch.CommandRunner;
import io.cairn.compute.ra.batch.Scheduler;
import io.cairn.compute.ra.batch.SchedulerJob;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Grid Engine through its command-line tools on this host (a submit host of the cell): {@code qsub -terse} with the
 * script on standard input, one {@code qstat -xml -s prsz} per poll for all jobs, {@code qacct -j} for each job
 * that has ended, {@code qdel}. Jobs run as the user that runs the tools: the server's, or {@code submitUser}
 * (through {@code runuser} when the server is root, {@code sudo -n} otherwise).
 *
 * <p>qsub reads {@code #$} lines anywhere in a script as options, and task data in the script may span lines, so
 * every submission turns that off with {@code -C ''}.
 */
final class GridEngineScheduler implements Scheduler {

    static final String KIND = "gridengine";
    /** How long a finished job may lack an accounting record before the task counts as lost. */
    static final long ACCOUNTING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Logger LOG = Logger.getLogger(GridEngineScheduler.class.getName());

    private final GridEngineOptions options;
    private final CommandRunner runner;
    private final List<String> prefix;
    private final ZoneId zone = ZoneId.systemDefault();
    /** Finished ("zombie") jobs whose accounting record has not been seen yet: when they were first seen so. */
    private final Map<String, Long> unaccounted = new ConcurrentHashMap<>();

    GridEngineScheduler(GridEngineOptions options) {
        this.options = options;
        Map<String, String> environment = new HashMap<>();
        if (options.sgeRoot() != null) {
            environment.put("SGE_ROOT", options.sgeRoot());
        }
        if (options.sgeCell() != null) {
            environment.put("SGE_CELL", options.sgeCell());
        }
        this.runner = new CommandRunner(environment, Duration.ofSeconds(30));
        this.prefix = commandPrefix(options, System.getProperty("user.name"));
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * What comes before each tool's name: nothing when the tools run as the server's user; otherwise a switch to
     * {@code submitUser} that keeps SGE_ROOT and SGE_CELL ({@code sudo} would drop them).
     */
    static List<String> commandPrefix(GridEngineOptions options, String serverUser) {
        String user = options.submitUser();
        if (user == null || user.equals(serverUser)) {
            return List.of();
        }
        List<String> command = new ArrayList<>("root".equals(serverUser)
                ? List.of("runuser", "-u", user, "--") : List.of("sudo", "-n", "-u", user, "--"));
        command.add("env");
        if (options.sgeRoot() != null) {
            command.add("SGE_ROOT=" + options.sgeRoot());
        }
        if (options.sgeCell() != null) {
            command.add("SGE_CELL=" + options.sgeCell());
        }
        return command;
    }

    /**
     * The qsub command line of a task; the script comes on standard input. Resources: {@code -pe <pe> <cores>} when
     * the pool names a parallel environment and the task wants more than one core (otherwise one slot);
     * {@code -l <memoryResource>=<MiB per slot>M} when the task gives its memory (Grid Engine multiplies a per-slot
     * limit by the slots); {@code -l h_rt=<seconds>} for a time limit.
     */
    static List<String> qsubCommand(TaskSpec spec, String jobName, GridEngineOptions options) {
        List<String> command = new ArrayList<>(List.of("qsub", "-terse", "-C", "", "-S", "/bin/sh", "-N", jobName,
                "-o", "/dev/null", "-e", "/dev/null", "-wd", "/tmp"));
        int slots = 1;
        if (options.parallelEnvironment() != null && spec.cores() > 1) {
            slots = spec.cores();
            command.addAll(List.of("-pe", options.parallelEnvironment(), Integer.toString(slots)));
        }
        List<String> resources = new ArrayList<>();
        if (options.memoryResource() != null && spec.memoryMb() > 0) {
            resources.add(options.memoryResource() + "=" + ((spec.memoryMb() + slots - 1) / slots) + "M");
        }
        if (spec.timeLimitSeconds() > 0) {
            resources.add("h_rt=" + spec.timeLimitSeconds());
        }
        if (!resources.isEmpty()) {
            command.addAll(List.of("-l", String.join(",", resources)));
        }
        if (options.queue() != null) {
            command.addAll(List.of("-q", options.queue()));
        }
        return command;
    }

    /** {@code 42}, as {@code qsub -terse} prints it (an array job would print {@code 42.1-10:1}). */
    static String parseQsub(String stdout) {
        String line = stdout.strip();
        int dot = line.indexOf('.');
        String id = dot < 0 ? line : line.substring(0, dot);
        if (!id.matches("[0-9]+")) {
            throw new ComputeException("qsub printed no job id: " + abbreviate(stdout));
        }
        return id;
    }

    @Override
    public String submit(TaskSpec spec, String jobName, String script) {
        if (options.parallelEnvironment() == null && spec.cores() > 1) {
            LOG.fine(() -> "task " + spec.taskId() + " asks for " + spec.cores() + " cores; the pool names no"
                    + " parallel environment, so it runs in one slot");
        }
        handOver(spec);
        CommandRunner.Result result = run(qsubCommand(spec, jobName, options), script);
        if (!result.ok()) {
            throw failure("qsub", result);
        }
        return parseQsub(result.stdout());
    }

    /**
     * When the server runs as root and jobs run as {@code submitUser}, gives the task's working folder and the folders
     * of its output files to that user, so that the job can write its results there. Only those folders change owner,
     * never their parents or the inputs.
     */
    private void handOver(TaskSpec spec) {
        String user = options.submitUser();
        if (user == null || !"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try {
            UserPrincipal owner = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Set<Path> folders = new LinkedHashSet<>();
            folders.add(Path.of(spec.workDir()));
            folders.add(Path.of(spec.stdout()).getParent());
            folders.add(Path.of(spec.stderr()).getParent());
            for (Path folder : folders) {
                if (folder != null) {
                    Files.createDirectories(folder);
                    Files.setOwner(folder, owner);
                }
            }
        } catch (IOException e) {
            throw new ComputeException("cannot give the working folder of task " + spec.taskId() + " to " + user
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, SchedulerJob> query(Map<String, String> jobNames) {
        Map<String, SchedulerJob> jobs = new LinkedHashMap<>();
        Map<String, GridEngineJobs.Listed> listed = new LinkedHashMap<>();
        for (GridEngineJobs.Listed job : listed()) {
            if (job.name().equals(jobNames.get(job.jobId()))) {
                listed.put(job.jobId(), job);
            }
        }
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, String> wanted : jobNames.entrySet()) {
            String jobId = wanted.getKey();
            GridEngineJobs.Listed job = listed.get(jobId);
            if (job != null && job.inError()) {
                jobs.put(jobId, new SchedulerJob(TaskState.SYSTEM_ERROR, job.state(), null,
                        "Grid Engine put job " + jobId + " in error state " + job.state() + errorReason(jobId),
                        null, null));
                broken.add(jobId);
            } else if (job != null && !job.finished()) {
                unaccounted.remove(jobId);
                jobs.put(jobId, GridEngineJobs.fromListed(job));
            } else {
                SchedulerJob ended = accounted(jobId, wanted.getValue());
                if (ended != null) {
                    unaccounted.remove(jobId);
                    jobs.put(jobId, ended);
                } else if (job != null) {
                    jobs.put(jobId, waitingForAccounting(job));
                } else {
                    unaccounted.remove(jobId);
                }
            }
        }
        for (String jobId : broken) {
            try {
                cancel(jobId); // a job in error state would otherwise sit in the queue for ever
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cannot delete job " + jobId + " in error state", e);
            }
        }
        return jobs;
    }

    /** A job that has ended but has no accounting record yet: still running, for at most a minute. */
    private SchedulerJob waitingForAccounting(GridEngineJobs.Listed job) {
        long since = unaccounted.computeIfAbsent(job.jobId(), id -> System.nanoTime());
        if (System.nanoTime() - since > ACCOUNTING_GRACE_NANOS) {
            unaccounted.remove(job.jobId());
            return new SchedulerJob(TaskState.SYSTEM_ERROR, job.state(), null, "job " + job.jobId()
                    + " ended but qacct has no record of it (is accounting=true in the cell's reporting_params?)",
                    null, null);
        }
        return new SchedulerJob(TaskState.RUNNING, job.state(), null, null, null, null);
    }

    private List<GridEngineJobs.Listed> listed() {
        CommandRunner.Result result = run(List.of("qstat", "-xml", "-s", "prsz"), null);
        if (!result.ok()) {
            throw failure("qstat", result);
        }
        return GridEngineJobs.parseQstatXml(result.stdout());
    }

    /** The job's last accounting record under that name, mapped; null when qacct has none. */
    private SchedulerJob accounted(String jobId, String jobName) {
        GridEngineJobs.Accounted last = null;
        for (GridEngineJobs.Accounted record : accounting(jobId)) {
            if (jobName.equals(record.name())) {
                last = record;
            }
        }
        return last == null ? null : GridEngineJobs.fromAccounted(last);
    }

    /** qacct's records of a job id or name; none when it knows none ({@code error: job id 7 not found}). */
    private List<GridEngineJobs.Accounted> accounting(String job) {
        CommandRunner.Result result = run(List.of("qacct", "-j", job), null);
        if (!result.ok()) {
            String text = (result.stderr() + result.stdout()).toLowerCase(Locale.ROOT);
            if (text.contains("not found") || text.contains("can't open accounting file")
                    || text.contains("no such file")) {
                return List.of();
            }
            throw failure("qacct", result);
        }
        return GridEngineJobs.parseQacct(result.stdout(), zone);
    }

    /** {@code : <reason>} from {@code qstat -j}'s "error reason" lines, or nothing. */
    private String errorReason(String jobId) {
        try {
            CommandRunner.Result result = run(List.of("qstat", "-j", jobId), null);
            return result.stdout().lines().filter(line -> line.startsWith("error reason"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst()
                    .map(reason -> ": " + abbreviate(reason)).orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    @Override
    public Optional<String> findByName(String jobName) {
        for (GridEngineJobs.Listed job : listed()) {
            if (job.name().equals(jobName)) {
                return Optional.of(job.jobId());
            }
        }
        List<GridEngineJobs.Accounted> records = accounting(jobName);
        for (int i = records.size() - 1; i >= 0; i--) {
            if (jobName.equals(records.get(i).name())) {
                return Optional.of(records.get(i).jobId());
            }
        }
        return Optional.empty();
    }

    @Override
    public void cancel(String jobId) {
        CommandRunner.Result result = run(List.of("qdel", jobId), null);
        if (!result.ok() && !(result.stderr() + result.stdout()).contains("does not exist")) {
            throw failure("qdel", result);
        }
    }

    @Override
    public String describe() {
        CommandRunner.Result result = run(List.of("qconf", "-sss"), null);
        if (!result.ok() || result.stdout().isBlank()) {
            throw failure("qconf -sss", result);
        }
        return "Grid Engine (command line), cell " + (options.sgeCell() == null ? "default" : options.sgeCell())
                + ", scheduler on " + result.stdout().strip();
    }

    private CommandRunner.Result run(List<String> command, String stdin) {
        List<String> full = new ArrayList<>(prefix);
        full.add(options.binDir() == null ? command.get(0) : options.binDir() + "/" + command.get(0));
        full.addAll(command.subList(1, command.size()));
        return runner.run(full, stdin);
    }

    /** A failed command: unavailable when it could not reach qmaster, refused otherwise. */
    static ComputeException failure(String what, CommandRunner.Result result) {
        String text = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        String message = what + " failed (exit " + result.exitCode() + "): " + abbreviate(text);
        if (unreachable(text)) {
            return new SchedulerUnavailableException(message);
        }
        return new ComputeException(message);
    }

    /** Whether a tool's error says that qmaster could not be reached (worth retrying) rather than a refusal. */
    static boolean unreachable(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("unable to contact qmaster") || lower.contains("unable to send message to qmaster")
                || lower.contains("commlib error") || lower.contains("can't connect to service")
                || lower.contains("connection refused") || lower.contains("got send error")
                || lower.contains("timeout while waiting for") || lower.contains("qmaster is down");
    }

    private static String abbreviate(String text) {
        String line = text.strip();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
