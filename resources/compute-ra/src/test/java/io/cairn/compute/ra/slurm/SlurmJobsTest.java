package io.cairn.compute.ra.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskState;
import io.cairn.compute.TaskStatus;
import io.cairn.compute.ra.batch.SchedulerJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing what Slurm 22.05.8 printed on this machine (lines copied from scontrol, jobcomp and slurmrestd). */
class SlurmJobsTest {

    static final String FAILED = "JobId=3 JobName=cairn-x UserId=slurmci(999) GroupId=slurmci(995) MCS_label=N/A "
            + "Priority=4294901757 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode "
            + "Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=7:0 RunTime=00:00:00 "
            + "TimeLimit=00:05:00 TimeMin=N/A SubmitTime=2026-12-02T07:58:24 EligibleTime=2026-12-02T07:58:24 "
            + "AccrueTime=2026-12-02T07:58:24 StartTime=2026-12-02T07:58:25 EndTime=2026-12-02T07:58:25 "
            + "Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-12-02T07:58:25 Scheduler=Main "
            + "Partition=debug AllocNode:Sid=127.0.0.1:12789 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm "
            + "BatchHost=vm NumNodes=1 NumCPUs=2 NumTasks=1 CPUs/Task=2 ReqB:S:C:T=0:0:*:* "
            + "TRES=cpu=2,node=1,billing=2 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=2 "
            + "MinMemoryNode=100M MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=OK "
            + "Contiguous=0 Licenses=(null) Network=(null) Command=(null) WorkDir=/tmp StdErr=/dev/null "
            + "StdIn=/dev/null StdOut=/dev/null Power= ";
    static final String RUNNING = "JobId=4 JobName=c1 UserId=root(0) GroupId=root(0) JobState=RUNNING Reason=None "
            + "ExitCode=0:0 RunTime=00:00:01 StartTime=2026-12-02T08:04:45 EndTime=2027-12-02T08:04:45 "
            + "WorkDir=/work/main StdOut=/dev/null Power= ";
    static final String CANCELLED = "JobId=4 JobName=c1 UserId=root(0) GroupId=root(0) JobState=CANCELLED "
            + "Reason=None ExitCode=0:15 StartTime=2026-12-02T08:04:45 EndTime=2026-12-02T08:04:46 Power= ";
    static final String JOBCOMP = "JobId=3 UserId=slurmci(999) GroupId=slurmci(995) Name=cairn-x JobState=FAILED "
            + "Partition=debug TimeLimit=5 StartTime=2026-12-02T07:58:25 EndTime=2026-12-02T07:58:25 NodeList=vm "
            + "NodeCnt=1 ProcCnt=2 WorkDir=/tmp ReservationName= Tres=cpu=2,mem=100M,node=1,billing=2 Account= "
            + "QOS= WcKey= Cluster=unknown SubmitTime=2026-12-02T07:58:24 EligibleTime=2026-12-02T07:58:24 "
            + "DerivedExitCode=0:0 ExitCode=3:0 ";

    @TempDir
    Path dir;

    @Test
    void readsFieldsWithColonsSlashesAndEqualsInValues() {
        Map<String, String> fields = SlurmJobs.fields(FAILED);
        assertEquals("3", fields.get("JobId"));
        assertEquals("FAILED", fields.get("JobState"));
        assertEquals("7:0", fields.get("ExitCode"));
        assertEquals("127.0.0.1:12789", fields.get("AllocNode:Sid"));
        assertEquals("cpu=2,node=1,billing=2", fields.get("TRES"));
        assertEquals("2", fields.get("CPUs/Task"));
        assertEquals("", fields.get("Power"));
        assertEquals("/dev/null", fields.get("StdOut"));
    }

    @Test
    void valuesMayHoldSpaces() {
        Map<String, String> fields = SlurmJobs.fields("JobId=9 JobName=a b c Reason=x y WorkDir=/my dir ");
        assertEquals("a b c", fields.get("JobName"));
        assertEquals("x y", fields.get("Reason"));
        assertEquals("/my dir", fields.get("WorkDir"));
    }

    @Test
    void failedWithExitCode7IsAnExecutorErrorWith7() {
        SchedulerJob job = SlurmJobs.fromFields(SlurmJobs.fields(FAILED), ZoneOffset.UTC);
        TaskStatus status = job.toStatus();
        assertEquals(TaskState.EXECUTOR_ERROR, status.state());
        assertEquals(7, status.exitCode());
        assertEquals(Instant.parse("2026-12-02T07:58:25Z"), status.startedAt());
        assertEquals(Instant.parse("2026-12-02T07:58:25Z"), status.endedAt());
    }

    @Test
    void runningHasAStartButNoEnd() {
        TaskStatus status = SlurmJobs.fromFields(SlurmJobs.fields(RUNNING), ZoneOffset.UTC).toStatus();
        assertEquals(TaskState.RUNNING, status.state());
        assertEquals(Instant.parse("2026-12-02T08:04:45Z"), status.startedAt());
        assertNull(status.endedAt());
        assertNull(status.exitCode());
    }

    @Test
    void cancelledIsCanceledWithoutAnExitCode() {
        TaskStatus status = SlurmJobs.fromFields(SlurmJobs.fields(CANCELLED), ZoneOffset.UTC).toStatus();
        assertEquals(TaskState.CANCELED, status.state());
        assertNull(status.exitCode());
    }

    @Test
    void mapsEveryStateSlurmDocuments() {
        assertEquals(TaskState.QUEUED, SlurmJobs.job("PENDING", null, null, "Priority", null, null).state());
        assertEquals(TaskState.QUEUED, SlurmJobs.job("REQUEUED", null, null, null, null, null).state());
        assertEquals(TaskState.INITIALIZING, SlurmJobs.job("CONFIGURING", null, null, null, null, null).state());
        assertEquals(TaskState.RUNNING, SlurmJobs.job("COMPLETING", null, null, null, null, null).state());
        assertEquals(TaskState.RUNNING, SlurmJobs.job("SUSPENDED", null, null, null, null, null).state());
        SchedulerJob done = SlurmJobs.job("COMPLETED", 0, 0, null, null, null);
        assertEquals(TaskState.COMPLETE, done.state());
        assertEquals(0, done.exitCode());
        SchedulerJob killed = SlurmJobs.job("FAILED", 0, 9, null, null, null);
        assertEquals(TaskState.EXECUTOR_ERROR, killed.state());
        assertEquals(137, killed.exitCode());
        SchedulerJob launchFailed = SlurmJobs.job("FAILED", 0, 0, "JobLaunchFailure", null, null);
        assertEquals(TaskState.SYSTEM_ERROR, launchFailed.state());
        assertTrue(launchFailed.message().contains("JobLaunchFailure"));
        SchedulerJob timeout = SlurmJobs.job("TIMEOUT", 0, 15, "TimeLimit", null, null);
        assertEquals(TaskState.EXECUTOR_ERROR, timeout.state());
        assertEquals("the task exceeded its time limit", timeout.message());
        assertEquals(TaskState.EXECUTOR_ERROR, SlurmJobs.job("OUT_OF_MEMORY", 0, 9, null, null, null).state());
        assertEquals(TaskState.SYSTEM_ERROR, SlurmJobs.job("NODE_FAIL", 0, 0, null, null, null).state());
        assertEquals(TaskState.SYSTEM_ERROR, SlurmJobs.job("BOOT_FAIL", 0, 0, null, null, null).state());
        assertEquals(TaskState.SYSTEM_ERROR, SlurmJobs.job("PREEMPTED", 0, 0, null, null, null).state());
        assertEquals(TaskState.CANCELED, SlurmJobs.job("CANCELLED by 0", 0, 15, null, null, null).state());
        assertEquals(TaskState.CANCELED, SlurmJobs.job("CANCELLED+", 0, 15, null, null, null).state());
        // a state of a later Slurm never ends a task by mistake
        assertEquals(TaskState.RUNNING, SlurmJobs.job("SOMETHING_NEW", null, null, null, null, null).state());
    }

    @Test
    void restExitCodeIsTheRawWaitStatus() {
        SchedulerJob seven = SlurmJobs.fromRest("FAILED", 1792L, "NonZeroExitCode", 1796198305L, 1796198305L);
        assertEquals(TaskState.EXECUTOR_ERROR, seven.state());
        assertEquals(7, seven.exitCode());
        assertEquals(Instant.ofEpochSecond(1796198305L), seven.startedAt());
        SchedulerJob canceled = SlurmJobs.fromRest("CANCELLED", 15L, "None", 1796198685L, 1796198686L);
        assertEquals(TaskState.CANCELED, canceled.state());
        SchedulerJob pending = SlurmJobs.fromRest("PENDING", 0L, "None", 0L, 0L);
        assertEquals(TaskState.QUEUED, pending.state());
        assertNull(pending.startedAt());
        assertEquals(3, SlurmJobs.fromRest("FAILED", 768L, null, 1L, 2L).exitCode());
        assertEquals(137, SlurmJobs.fromRest("FAILED", 9L, null, 1L, 2L).exitCode());
    }

    @Test
    void exitCodesAndTimes() {
        assertEquals(3, SlurmJobs.exitCode("3:0")[0]);
        assertEquals(15, SlurmJobs.exitCode("0:15")[1]);
        assertNull(SlurmJobs.exitCode("n/a")[0]);
        assertNull(SlurmJobs.exitCode(null)[0]);
        assertNull(SlurmJobs.time("Unknown", ZoneOffset.UTC));
        assertNull(SlurmJobs.time("None", ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-02T06:58:25Z"), SlurmJobs.time("2026-12-02T07:58:25",
                ZoneOffset.ofHours(1)));
    }

    @Test
    void jobCompFileGivesTheLastLineOfTheJobWithItsName() throws Exception {
        Path file = dir.resolve("jobcomp.log");
        // job id 3 was used before the controller lost its state: that line has another name and must not count
        Files.writeString(file, JOBCOMP.replace("Name=cairn-x", "Name=other").replace("ExitCode=3:0", "ExitCode=0:0")
                + "\n" + JOBCOMP + "\n" + CANCELLED.replace("JobName=c1", "Name=cairn-c") + "\n");
        Map<String, SchedulerJob> jobs = SlurmCli.fromJobComp(file, Map.of("3", "cairn-x", "4", "cairn-c",
                "5", "cairn-gone"));
        assertEquals(2, jobs.size());
        assertEquals(TaskState.EXECUTOR_ERROR, jobs.get("3").state());
        assertEquals(3, jobs.get("3").exitCode());
        assertEquals(TaskState.CANCELED, jobs.get("4").state());
        assertTrue(SlurmCli.fromJobComp(dir.resolve("missing.log"), Map.of("3", "cairn-x")).isEmpty());
    }

    @Test
    void jobCompFileGivesArrayElementsByArrayIdAndIndex() throws Exception {
        Path file = dir.resolve("jobcomp-array.log");
        String element = "JobId=%d UserId=u(1) GroupId=g(1) Name=cairn-array-a JobState=%s Partition=debug"
                + " StartTime=2026-12-02T18:12:45 EndTime=2026-12-02T18:12:47 ArrayJobId=60 ArrayTaskId=%d"
                + " DerivedExitCode=0:0 ExitCode=%s ";
        Files.writeString(file, String.format(element, 61, "COMPLETED", 0, "0:0") + "\n"
                + String.format(element, 62, "FAILED", 1, "2:0") + "\n"
                + String.format(element, 60, "COMPLETED", 2, "0:0") + "\n");
        Map<String, SchedulerJob> jobs = SlurmCli.fromJobComp(file, Map.of("60_1", "cairn-array-a",
                "60_2", "cairn-array-a", "60_3", "cairn-array-a", "61", "cairn-other"));
        assertEquals(2, jobs.size(), jobs::toString);
        assertEquals(TaskState.EXECUTOR_ERROR, jobs.get("60_1").state());
        assertEquals(2, jobs.get("60_1").exitCode());
        assertEquals(TaskState.COMPLETE, jobs.get("60_2").state());
    }

    @Test
    void unreachableControllerIsTellingApartFromARefusal() {
        assertTrue(SlurmBackends.unreachable("sbatch: error: Batch job submission failed: Unable to contact slurm "
                + "controller (connect failure)"));
        assertTrue(SlurmBackends.unreachable("slurm_load_jobs error: Unable to contact slurm controller (connect "
                + "failure)"));
        assertTrue(!SlurmBackends.unreachable("sbatch: error: Batch job submission failed: Invalid partition name "
                + "specified"));
    }
}
