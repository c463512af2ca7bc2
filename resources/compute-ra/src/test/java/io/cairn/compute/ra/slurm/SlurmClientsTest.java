package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.batch.Json;
import io.cairn.compute.ra.batch.SchedulerJob;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Command lines and request bodies the Slurm clients build, and the answers they read. */
class SlurmClientsTest {

    private static final TaskSpec SPEC = new TaskSpec("t1", List.of("/bin/echo", "hi"), Map.of(), "/s/w", null,
            "/s/o", "/s/e", 4, 512, null, false, List.of(), false, 61);

    @Test
    void sbatchAsksForCoresMemoryTimeAndPartitionAndPassesNoEnvironment() {
        assertEquals(List.of("sbatch", "--parsable", "--job-name=cairn-x", "--output=/dev/null", "--error=/dev/null",
                "--chdir=/tmp", "--cpus-per-task=4", "--mem=512", "--time=2", "--partition=debug"),
                SlurmCli.sbatchCommand(SPEC, "cairn-x", "debug"));
        TaskSpec plain = new TaskSpec("t2", List.of("/bin/true"), Map.of(), "/s/w", null, "/s/o", "/s/e", 1, 0, null);
        assertEquals(List.of("sbatch", "--parsable", "--job-name=n", "--output=/dev/null", "--error=/dev/null",
                "--chdir=/tmp", "--cpus-per-task=1"), SlurmCli.sbatchCommand(plain, "n", null));
    }

    @Test
    void sbatchRunsInAClearedEnvironmentThatBecomesTheJobs() {
        assertEquals(List.of("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "SLURM_CONF=/etc/s.conf",
                "sbatch", "--parsable"), SlurmCli.withJobEnvironment(List.of("sbatch", "--parsable"), "/etc/s.conf"));
        assertEquals(List.of("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "sbatch"),
                SlurmCli.withJobEnvironment(List.of("sbatch"), null));
    }

    @Test
    void timeLimitsRoundUpToWholeMinutes() {
        assertEquals(1, SlurmBackends.minutes(1));
        assertEquals(1, SlurmBackends.minutes(60));
        assertEquals(2, SlurmBackends.minutes(61));
    }

    @Test
    void sbatchParsableOutput() {
        assertEquals("42", SlurmCli.parseSbatch("42\n"));
        assertEquals("42", SlurmCli.parseSbatch("42;cairn\n"));
        assertThrows(ComputeException.class, () -> SlurmCli.parseSbatch("sbatch: error: nope\n"));
        assertThrows(ComputeException.class, () -> SlurmCli.parseSbatch(""));
    }

    @Test
    void anArrayIsOneSbatchWithItsRangeAndThrottle() {
        TaskSpec spec = new TaskSpec("t", List.of("/bin/true"), Map.of(), "/w", null, "/o", "/e", 2, 0, null);
        List<String> command = SlurmCli.sbatchArrayCommand(spec, "cairn-array-x", null, 100, 16);
        assertEquals("--array=0-99%16", command.get(command.size() - 1));
        assertTrue(command.contains("--cpus-per-task=2"), command::toString);
        assertThrows(IllegalArgumentException.class, () -> SlurmCli.sbatchArrayCommand(spec, "n", null, 0, 1));
    }

    @Test
    void showJobFindsArrayElementsStartedAndPending() {
        String out = "JobId=12 ArrayJobId=10 ArrayTaskId=2 ArrayTaskThrottle=2 JobName=cairn-array-a UserId=u(1)"
                + " JobState=FAILED Reason=NonZeroExitCode ExitCode=4:0 StartTime=2026-12-02T08:00:00"
                + " EndTime=2026-12-02T08:00:01\n"
                + "JobId=11 ArrayJobId=10 ArrayTaskId=1 ArrayTaskThrottle=2 JobName=cairn-array-a UserId=u(1)"
                + " JobState=RUNNING Reason=None ExitCode=0:0 StartTime=2026-12-02T08:00:00 EndTime=Unknown\n"
                + "JobId=10 ArrayJobId=10 ArrayTaskId=3-5,7%2 ArrayTaskThrottle=2 JobName=cairn-array-a"
                + " UserId=u(1) JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0 StartTime=Unknown"
                + " EndTime=Unknown\n"
                + "JobId=20 ArrayJobId=20 ArrayTaskId=0 JobName=other JobState=PENDING ExitCode=0:0\n";
        Map<String, String> wanted = new java.util.LinkedHashMap<>();
        for (String element : List.of("10_1", "10_2", "10_4", "10_7", "10_6", "20_0")) {
            wanted.put(element, "cairn-array-a");
        }
        Map<String, SchedulerJob> jobs = SlurmCli.parseShowJob(out, wanted, ZoneOffset.UTC);
        assertEquals(TaskState.RUNNING, jobs.get("10_1").state());
        assertEquals(TaskState.EXECUTOR_ERROR, jobs.get("10_2").state());
        assertEquals(4, jobs.get("10_2").exitCode());
        assertEquals(TaskState.QUEUED, jobs.get("10_4").state());
        assertEquals(TaskState.QUEUED, jobs.get("10_7").state());
        assertFalse(jobs.containsKey("10_6"), "6 is in no index set");
        assertFalse(jobs.containsKey("20_0"), "another name");
    }

    @Test
    void overSshOnlyCairnsLinesComeBackAndAFailureKeepsItsExitCode(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path bin) throws Exception {
        java.nio.file.Path fake = bin.resolve("scontrol");
        java.nio.file.Files.writeString(fake, "#!/bin/sh\n[ -n \"$FAIL\" ] && { echo 'slurm_load_jobs error: Unable to"
                + " contact slurm controller' >&2; exit 1; }\n"
                + "echo 'JobId=1 JobName=other JobState=RUNNING'\necho 'JobId=2 JobName=cairn-x JobState=RUNNING'\n"
                + "echo 'JobId=3 ArrayJobId=3 ArrayTaskId=0-4%2 JobName=cairn-array-y JobState=PENDING'\n");
        java.nio.file.Files.setPosixFilePermissions(fake,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder ok = new ProcessBuilder(SlurmCli.REMOTE_SHOW_JOBS);
        ok.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process process = ok.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        assertEquals("JobId=2 JobName=cairn-x JobState=RUNNING\n"
                + "JobId=3 ArrayJobId=3 ArrayTaskId=0-4%2 JobName=cairn-array-y JobState=PENDING\n", out);
        ProcessBuilder failing = new ProcessBuilder(SlurmCli.REMOTE_SHOW_JOBS);
        failing.environment().put("PATH", bin + ":/usr/bin:/bin");
        failing.environment().put("FAIL", "1");
        Process failed = failing.start();
        String err = new String(failed.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, failed.waitFor());
        assertTrue(err.contains("Unable to contact slurm controller"), err);
    }

    @Test
    void restFindsStartedAndPendingArrayElementsInTheArraysAnswer() {
        Object answer = Json.parse("{\"jobs\":["
                + "{\"job_id\":2462,\"array_job_id\":2462,\"array_task_string\":\"2-3%1\",\"job_state\":\"PENDING\","
                + "\"name\":\"cairn-array-a\",\"state_reason\":\"JobArrayTaskLimit\"},"
                + "{\"job_id\":2464,\"array_job_id\":2462,\"array_task_id\":1,\"array_task_string\":\"\","
                + "\"job_state\":\"FAILED\",\"exit_code\":768,\"name\":\"cairn-array-a\",\"start_time\":1,"
                + "\"end_time\":2},"
                + "{\"job_id\":2463,\"array_job_id\":2462,\"array_task_id\":0,\"array_task_string\":\"\","
                + "\"job_state\":\"RUNNING\",\"name\":\"cairn-array-a\",\"start_time\":1}]}");
        assertEquals(TaskState.RUNNING, SlurmRest.parseElement(answer, "2462_0", "cairn-array-a").state());
        SchedulerJob failed = SlurmRest.parseElement(answer, "2462_1", "cairn-array-a");
        assertEquals(TaskState.EXECUTOR_ERROR, failed.state());
        assertEquals(3, failed.exitCode());
        assertEquals(TaskState.QUEUED, SlurmRest.parseElement(answer, "2462_3", "cairn-array-a").state());
        assertNull(SlurmRest.parseElement(answer, "2462_4", "cairn-array-a"));
        assertNull(SlurmRest.parseElement(answer, "2462_0", "cairn-other"));
    }

    @Test
    void arrayIndexSets() {
        assertTrue(SlurmJobs.inIndexSet("5", 5));
        assertFalse(SlurmJobs.inIndexSet("5", 6));
        assertTrue(SlurmJobs.inIndexSet("0-99%16", 99));
        assertFalse(SlurmJobs.inIndexSet("0-99%16", 100));
        assertTrue(SlurmJobs.inIndexSet("1,3,7-9", 8));
        assertFalse(SlurmJobs.inIndexSet("1,3,7-9", 2));
        assertTrue(SlurmJobs.inIndexSet("[0-10:2]", 4));
        assertFalse(SlurmJobs.inIndexSet("0-10:2", 5));
        assertFalse(SlurmJobs.inIndexSet("garbage", 0));
    }

    @Test
    void showJobKeepsOnlyWantedJobsWithTheirNames() {
        String out = SlurmJobsTest.FAILED + "\n" + SlurmJobsTest.RUNNING + "\n"
                + SlurmJobsTest.RUNNING.replace("JobId=4", "JobId=5") + "\n";
        Map<String, SchedulerJob> jobs = SlurmCli.parseShowJob(out, Map.of("3", "cairn-x", "4", "c1", "5", "wrong",
                "6", "cairn-gone"), ZoneOffset.UTC);
        assertEquals(2, jobs.size());
        assertEquals(TaskState.EXECUTOR_ERROR, jobs.get("3").state());
        assertEquals(TaskState.RUNNING, jobs.get("4").state());
        assertEquals(Map.of(), SlurmCli.parseShowJob("No jobs in the system\n", Map.of("3", "x"), ZoneOffset.UTC));
    }

    @Test
    void restSubmitBodyHasTheRequiredEnvironmentAndResources() {
        Map<String, Object> body = SlurmRest.submitBody(SPEC, "cairn-x", "#!/bin/sh\nexit 0\n", "debug");
        Object parsed = Json.parse(Json.write(body));
        assertEquals("#!/bin/sh\nexit 0\n", Json.string(parsed, "script"));
        Object job = Json.member(parsed, "job");
        assertEquals("cairn-x", Json.string(job, "name"));
        assertEquals("/usr/bin:/bin", Json.string(Json.member(job, "environment"), "PATH"));
        assertEquals(4L, Json.number(job, "cpus_per_task"));
        assertEquals(512L, Json.number(job, "memory_per_node"));
        assertEquals(2L, Json.number(job, "time_limit"));
        assertEquals("debug", Json.string(job, "partition"));
        assertEquals("/dev/null", Json.string(job, "standard_output"));
        TaskSpec plain = new TaskSpec("t2", List.of("/bin/true"), Map.of(), "/s/w", null, "/s/o", "/s/e", 1, 0, null);
        Object minimal = Json.member(SlurmRest.submitBody(plain, "n", "s", null), "job");
        assertNull(Json.member(minimal, "memory_per_node"));
        assertNull(Json.member(minimal, "time_limit"));
        assertNull(Json.member(minimal, "partition"));
    }

    @Test
    void restJobAnswerAndErrors() {
        Object answer = Json.parse("{\"meta\":{},\"errors\":[],\"jobs\":[{\"job_id\":3,\"name\":\"cairn-x\","
                + "\"job_state\":\"FAILED\",\"exit_code\":1792,\"state_reason\":\"NonZeroExitCode\","
                + "\"start_time\":1796198305,\"end_time\":1796198305}]}");
        SchedulerJob job = SlurmRest.parseJob(answer, "3", "cairn-x");
        assertEquals(TaskState.EXECUTOR_ERROR, job.state());
        assertEquals(7, job.exitCode());
        assertNull(SlurmRest.parseJob(answer, "3", "cairn-other"));
        Object error = Json.parse("{\"errors\":[{\"description\":\"Unable to find JobId=99999\",\"error_number\":"
                + "2017,\"error\":\"Invalid job id specified\",\"source\":\"slurm_load_job\"}],\"jobs\":[]}");
        assertEquals("Invalid job id specified: Unable to find JobId=99999", SlurmRest.errors(error));
        assertEquals("", SlurmRest.errors(answer));
    }
}
