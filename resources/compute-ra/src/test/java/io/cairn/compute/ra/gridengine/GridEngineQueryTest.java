package io.cairn.compute.ra.gridengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskState;
import io.cairn.compute.ra.batch.SchedulerJob;
import io.cairn.compute.ra.batch.SchedulerUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the client combines qstat and qacct, against stand-in tools (shell scripts in the pool's binDir that print
 * canned answers of a real cell): ids whose name differs, finished jobs waiting for their accounting record, jobs in
 * error state (reported and deleted), jobs nobody knows, and an unreachable qmaster.
 */
class GridEngineQueryTest {

    @TempDir
    Path bin;

    GridEngineScheduler scheduler;

    @BeforeEach
    void tools() throws IOException {
        tool("qstat", """
                if [ "$1" = -j ]; then
                  printf 'job_number:                 %s\\nerror reason    1:          12/02/2026 18:00:00 [1001:42]: error: can'"'"'t chdir to /gone\\n' "$2"
                  exit 0
                fi
                [ -f "$HERE/down" ] && { echo 'error: commlib error: got select error (Connection refused)' >&2; exit 1; }
                cat "$HERE/qstat.xml"
                """);
        tool("qacct", """
                if [ -f "$HERE/qacct-$2" ]; then cat "$HERE/qacct-$2"; exit 0; fi
                found=
                for f in "$HERE"/qacct-*; do
                  [ -f "$f" ] && grep -q "^jobname *$2 *\\$" "$f" && { cat "$f"; found=1; }
                done
                [ -n "$found" ] && exit 0
                echo "error: job id $2 not found" >&2
                exit 1
                """);
        tool("qdel", """
                echo "$@" >> "$HERE/qdel.log"
                echo "sgeci has registered the job $1 for deletion"
                """);
        scheduler = new GridEngineScheduler(new GridEngineOptions(null, null, null, null, "h_vmem", null,
                bin.toString()));
    }

    private void tool(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\nHERE='" + bin + "'\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void qstat(String... jobs) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version='1.0'?>\n<job_info>\n  <queue_info>\n  </queue_info>\n"
                + "  <job_info>\n");
        for (String job : jobs) {
            String[] parts = job.split(" ");
            xml.append("    <job_list state=\"x\">\n      <JB_job_number>").append(parts[0])
                    .append("</JB_job_number>\n      <JB_name>").append(parts[1]).append("</JB_name>\n      <state>")
                    .append(parts[2]).append("</state>\n    </job_list>\n");
        }
        Files.writeString(bin.resolve("qstat.xml"), xml.append("  </job_info>\n</job_info>\n"));
    }

    private void accounted(String jobId, String name, int exit) throws IOException {
        Files.writeString(bin.resolve("qacct-" + jobId), GridEngineJobsTest.qacct(name, Integer.parseInt(jobId),
                "0    ", exit + ""));
    }

    @Test
    void listedJobsAreMatchedByIdAndName() throws IOException {
        qstat("5 cairn-a r", "6 someone-else r", "7 cairn-c qw");
        Map<String, SchedulerJob> jobs = scheduler.query(Map.of("5", "cairn-a", "6", "cairn-b", "7", "cairn-c"));
        assertEquals(TaskState.RUNNING, jobs.get("5").state());
        assertEquals(TaskState.QUEUED, jobs.get("7").state());
        assertNull(jobs.get("6"), "job 6 is another job now, and qacct has no cairn-b");
    }

    @Test
    void aFinishedJobWaitsForItsAccountingRecordThenEnds() throws IOException {
        qstat("8 cairn-d z");
        assertEquals(TaskState.RUNNING, scheduler.query(Map.of("8", "cairn-d")).get("8").state());
        accounted("8", "cairn-d", 4);
        SchedulerJob ended = scheduler.query(Map.of("8", "cairn-d")).get("8");
        assertEquals(TaskState.EXECUTOR_ERROR, ended.state());
        assertEquals(4, ended.exitCode());
    }

    @Test
    void aJobNoLongerListedIsFoundInTheAccountingUnderItsName() throws IOException {
        qstat();
        accounted("9", "cairn-e", 0);
        accounted("10", "cairn-other", 0);
        Map<String, SchedulerJob> jobs = scheduler.query(Map.of("9", "cairn-e", "10", "cairn-f", "11", "cairn-g"));
        assertEquals(TaskState.COMPLETE, jobs.get("9").state());
        assertNull(jobs.get("10"), "the record of job 10 is of another job");
        assertNull(jobs.get("11"), "nobody knows job 11");
        assertEquals(Optional.of("9"), scheduler.findByName("cairn-e"));
    }

    @Test
    void aJobInErrorStateIsReportedWithItsReasonAndDeleted() throws IOException {
        qstat("12 cairn-h Eqw");
        SchedulerJob job = scheduler.query(Map.of("12", "cairn-h")).get("12");
        assertEquals(TaskState.SYSTEM_ERROR, job.state());
        assertTrue(job.message().contains("error state Eqw"), job.message());
        assertTrue(job.message().contains("can't chdir to /gone"), job.message());
        assertEquals("12\n", Files.readString(bin.resolve("qdel.log")));
    }

    @Test
    void anUnreachableQmasterIsReportedAsUnavailable() throws IOException {
        Files.writeString(bin.resolve("down"), "");
        assertInstanceOf(SchedulerUnavailableException.class,
                assertThrows(RuntimeException.class, () -> scheduler.query(Map.of("1", "cairn-x"))));
    }
}
