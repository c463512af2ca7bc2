package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.compute.ComputeException;
import io.cairn.compute.TaskSpec;
import io.cairn.compute.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch backend's bookkeeping against a scheduler in memory: a crash between the submission marker and the job
 * id finds the job by name instead of submitting again; an unreachable scheduler keeps tasks queued and retries; a
 * refusal fails the task; a second backend cannot open the same state folder.
 */
class BatchBackendTest {

    @TempDir
    Path state;

    /** Jobs run to COMPLETED as soon as they are submitted. */
    static final class FakeScheduler implements Scheduler {
        final Map<String, String> names = new ConcurrentHashMap<>();
        final List<String> submitted = new ArrayList<>();
        volatile boolean down;
        volatile boolean refuse;

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public synchronized String submit(TaskSpec spec, String jobName, String script) {
            if (down) {
                throw new SchedulerUnavailableException("down");
            }
            if (refuse) {
                throw new ComputeException("Invalid partition name specified");
            }
            String id = Integer.toString(100 + submitted.size());
            submitted.add(jobName);
            names.put(id, jobName);
            return id;
        }

        @Override
        public Map<String, SchedulerJob> query(Map<String, String> jobNames) {
            if (down) {
                throw new SchedulerUnavailableException("down");
            }
            Map<String, SchedulerJob> answer = new ConcurrentHashMap<>();
            jobNames.forEach((id, name) -> {
                if (name.equals(names.get(id))) {
                    answer.put(id, new SchedulerJob(TaskState.COMPLETE, "COMPLETED", 0, null, Instant.now(),
                            Instant.now()));
                }
            });
            return answer;
        }

        @Override
        public Optional<String> findByName(String jobName) {
            return names.entrySet().stream().filter(e -> e.getValue().equals(jobName)).map(Map.Entry::getKey)
                    .findFirst();
        }

        @Override
        public void cancel(String jobId) {
        }

        @Override
        public String describe() {
            return "fake";
        }
    }

    private BatchBackend backend(FakeScheduler scheduler) {
        return new BatchBackend(scheduler, new BatchBackend.Settings("t", 2, state, null, 100));
    }

    private static TaskSpec spec(String id) {
        return new TaskSpec(id, List.of("/bin/true"), Map.of(), "/tmp/w", null, "/tmp/o", "/tmp/e", 1, 0, null);
    }

    @Test
    void aJobSubmittedBeforeACrashIsFoundByNameNotSubmittedAgain() throws Exception {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.down = true;
        BatchBackend first = backend(scheduler);
        String id = first.submit(spec("a"));
        first.shutdown();
        // what a crash right after the scheduler took the job leaves: the marker, no job id
        Path record = state.resolve("tasks").resolve(id);
        Files.writeString(record.resolve(TaskRecord.SUBMITTING), Instant.now().toString());
        scheduler.names.put("7", "cairn-" + id);
        scheduler.down = false;
        BatchBackend second = backend(scheduler);
        try {
            assertEquals(TaskState.COMPLETE, second.await(id, Duration.ofSeconds(10)).state());
            assertEquals("7", second.jobId(id));
            assertEquals(List.of(), scheduler.submitted);
        } finally {
            second.shutdown();
        }
    }

    @Test
    void anUnreachableSchedulerKeepsTasksQueuedUntilItAnswers() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.down = true;
        BatchBackend backend = backend(scheduler);
        try {
            String id = backend.submit(spec("b"));
            assertEquals(TaskState.QUEUED, backend.await(id, Duration.ofMillis(700)).state());
            scheduler.down = false;
            assertEquals(TaskState.COMPLETE, backend.await(id, Duration.ofSeconds(10)).state());
            assertEquals(List.of("cairn-" + id), scheduler.submitted);
        } finally {
            backend.shutdown();
        }
    }

    @Test
    void aRefusalFailsTheTaskWithTheSchedulersReason() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.refuse = true;
        BatchBackend backend = backend(scheduler);
        try {
            String id = backend.submit(spec("c"));
            var status = backend.await(id, Duration.ofSeconds(10));
            assertEquals(TaskState.SYSTEM_ERROR, status.state());
            assertEquals("the fake scheduler refused the job: Invalid partition name specified", status.message());
        } finally {
            backend.shutdown();
        }
    }

    @Test
    void oneStateFolderServesOneBackend() {
        BatchBackend backend = backend(new FakeScheduler());
        try {
            assertThrows(ComputeException.class, () -> backend(new FakeScheduler()));
        } finally {
            backend.shutdown();
        }
    }
}
