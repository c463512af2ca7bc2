package io.cairn.compute.ra.gridengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskState;
import io.cairn.compute.ra.batch.SchedulerJob;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Grid Engine 8.1.9 prints (copied from a real cell) read as jobs, and its states mapped to Cairn's. */
class GridEngineJobsTest {

    static final String QSTAT = """
            <?xml version='1.0'?>
            <job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">
              <queue_info>
                <job_list state="running">
                  <JB_job_number>15</JB_job_number>
                  <JAT_prio>0.50000</JAT_prio>
                  <JB_name>sl</JB_name>
                  <JB_owner>sgeci</JB_owner>
                  <state>r</state>
                  <JAT_start_time>2026-12-02T17:56:36</JAT_start_time>
                  <queue_name>all.q@localhost</queue_name>
                  <slots>1</slots>
                </job_list>
              </queue_info>
              <job_info>
                <job_list state="pending">
                  <JB_job_number>16</JB_job_number>
                  <JAT_prio>0.00000</JAT_prio>
                  <JB_name>held</JB_name>
                  <JB_owner>sgeci</JB_owner>
                  <state>hqw</state>
                  <JB_submission_time>2026-12-02T17:56:36</JB_submission_time>
                  <queue_name></queue_name>
                  <slots>1</slots>
                </job_list>
                <job_list state="zombie">
                  <JB_job_number>1</JB_job_number>
                  <JAT_prio>0.00000</JAT_prio>
                  <JB_name>cairn-smoke</JB_name>
                  <JB_owner>sgeci</JB_owner>
                  <state>z</state>
                  <JB_submission_time>2026-12-02T17:55:01</JB_submission_time>
                  <queue_name></queue_name>
                  <slots>1</slots>
                </job_list>
              </job_info>
            </job_info>
            """;

    static final String HEADER = """
            ==============================================================
            qname        all.q              \s
            hostname     localhost          \s
            group        sgeci              \s
            owner        sgeci              \s
            project      NONE               \s
            department   defaultdepartment  \s
            """;

    static String qacct(String name, int id, String failed, String exit) {
        return HEADER + "jobname      " + name + "                 \n"
                + "jobnumber    " + id + "                  \n"
                + "taskid       undefined\n"
                + "account      sge                 \n"
                + "priority     0                   \n"
                + "qsub_time    Wed Dec  2 17:56:14 2026\n"
                + "start_time   Wed Dec  2 17:56:14 2026\n"
                + "end_time     Wed Dec  2 17:56:17 2026\n"
                + "granted_pe   NONE                \n"
                + "slots        1                   \n"
                + "failed       " + failed + "\n"
                + "exit_status  " + exit + "\n"
                + "ru_wallclock 3s\n"
                + "maxvmem      3.387MB\n"
                + "arid         undefined\n"
                + "ar_sub_time  undefined\n"
                + "category     -l h_rt=2\n";
    }

    @Test
    void qstatXmlListsRunningPendingAndFinishedJobs() {
        List<GridEngineJobs.Listed> jobs = GridEngineJobs.parseQstatXml(QSTAT);
        assertEquals(3, jobs.size());
        GridEngineJobs.Listed running = jobs.get(0);
        assertEquals("15", running.jobId());
        assertEquals("sl", running.name());
        assertEquals("r", running.state());
        assertEquals(GridEngineJobs.isoTime("2026-12-02T17:56:36", ZoneId.systemDefault()), running.startedAt());
        assertEquals("hqw", jobs.get(1).state());
        assertNull(jobs.get(1).startedAt());
        assertTrue(jobs.get(2).finished());
        assertEquals(List.of(), GridEngineJobs.parseQstatXml("<?xml version='1.0'?>\n<job_info>\n"
                + "  <queue_info>\n  </queue_info>\n  <job_info>\n  </job_info>\n</job_info>\n"));
        assertEquals(List.of(), GridEngineJobs.parseQstatXml(""));
    }

    @Test
    void qstatXmlWithADoctypeOrGarbageIsRefused() {
        assertThrows(ComputeException.class, () -> GridEngineJobs.parseQstatXml(
                "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><job_info>&e;</job_info>"));
        assertThrows(ComputeException.class, () -> GridEngineJobs.parseQstatXml("error: not xml"));
    }

    @Test
    void stateLettersMapToCairnStates() {
        Instant start = Instant.parse("2026-12-02T17:56:36Z");
        for (String state : List.of("qw", "hqw", "hRwq", "Rq", "w")) {
            assertEquals(TaskState.QUEUED, job(state, start).state(), state);
            assertNull(job(state, start).startedAt(), state);
        }
        assertEquals(TaskState.INITIALIZING, job("t", start).state());
        for (String state : List.of("r", "Rr", "s", "S", "T", "dr")) {
            SchedulerJob job = job(state, start);
            assertEquals(TaskState.RUNNING, job.state(), state);
            assertEquals(start, job.startedAt(), state);
        }
        assertTrue(new GridEngineJobs.Listed("1", "n", "Eqw", null).inError());
        assertTrue(!new GridEngineJobs.Listed("1", "n", "r", null).inError());
    }

    private static SchedulerJob job(String state, Instant start) {
        return GridEngineJobs.fromListed(new GridEngineJobs.Listed("7", "n", state, start));
    }

    @Test
    void qacctRecordsAreReadWithTheirFailureExitStatusAndTimes() {
        String out = qacct("rt", 10, "37  : qmaster enforced h_rt, h_cpu, or h_vmem limit",
                "137                  (Killed)") + qacct("cairn-x", 6, "0    ", "3                   ");
        List<GridEngineJobs.Accounted> records = GridEngineJobs.parseQacct(out, ZoneOffset.UTC);
        assertEquals(2, records.size());
        GridEngineJobs.Accounted killed = records.get(0);
        assertEquals("10", killed.jobId());
        assertEquals("rt", killed.name());
        assertEquals(37, killed.failed());
        assertEquals("qmaster enforced h_rt, h_cpu, or h_vmem limit", killed.failedText());
        assertEquals(137, killed.exitStatus());
        assertEquals(Instant.parse("2026-12-02T17:56:14Z"), killed.startedAt());
        assertEquals(Instant.parse("2026-12-02T17:56:17Z"), killed.endedAt());
        assertEquals(0, records.get(1).failed());
        assertEquals(3, records.get(1).exitStatus());
        assertEquals(List.of(), GridEngineJobs.parseQacct("", ZoneOffset.UTC));
    }

    @Test
    void qacctOutcomesMapToCairnStates() {
        SchedulerJob ok = ended("0", 0);
        assertEquals(TaskState.COMPLETE, ok.state());
        assertEquals(0, ok.exitCode());
        SchedulerJob three = ended("0", 3);
        assertEquals(TaskState.EXECUTOR_ERROR, three.state());
        assertEquals(3, three.exitCode());
        assertNull(three.message());
        SchedulerJob signaled = ended("100 : assumedly after job", 137);
        assertEquals(TaskState.EXECUTOR_ERROR, signaled.state());
        assertEquals(137, signaled.exitCode());
        assertEquals("ended by signal 9", signaled.message());
        SchedulerJob limit = ended("37  : qmaster enforced h_rt, h_cpu, or h_vmem limit", 137);
        assertEquals(TaskState.EXECUTOR_ERROR, limit.state());
        assertEquals(137, limit.exitCode());
        assertTrue(limit.message().contains("time or memory limit"), limit.message());
        SchedulerJob before = ended("1   : assumedly before job", 0);
        assertEquals(TaskState.SYSTEM_ERROR, before.state());
        assertNull(before.exitCode());
        assertTrue(before.message().contains("assumedly before job"), before.message());
        assertEquals(Instant.parse("2026-12-02T17:56:17Z"), before.endedAt());
    }

    private static SchedulerJob ended(String failed, int exit) {
        return GridEngineJobs.fromAccounted(GridEngineJobs.parseQacct(qacct("n", 1, failed, exit + ""),
                ZoneOffset.UTC).get(0));
    }

    @Test
    void timesInBothFormatsAndUnsetOnes() {
        assertEquals(Instant.parse("2026-12-02T07:05:09Z"), GridEngineJobs.time("Wed Dec  2 07:05:09 2026",
                ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-12T07:05:09Z"), GridEngineJobs.time("Sat Dec 12 07:05:09 2026",
                ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-02T07:05:09.250Z"), GridEngineJobs.time("12/02/2026 07:05:09.250",
                ZoneOffset.UTC));
        assertNull(GridEngineJobs.time("-/-", ZoneOffset.UTC));
        assertNull(GridEngineJobs.time(null, ZoneOffset.UTC));
        assertNull(GridEngineJobs.time("undefined", ZoneOffset.UTC));
        assertNull(GridEngineJobs.isoTime("soon", ZoneOffset.UTC));
    }
}
