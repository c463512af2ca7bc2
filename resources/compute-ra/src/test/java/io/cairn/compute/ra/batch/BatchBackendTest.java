package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        final List<String> arrays = new ArrayList<>();
        final List<List<String>> arrayScripts = new ArrayList<>();
        volatile boolean down;
        volatile boolean refuse;
        volatile boolean arraysSupported;
        /** Arrays fail as if the connection broke while they were sent; single jobs go through. */
        volatile boolean arraysDown;
        volatile int arrayAttempts;
        /** The job of the task of this id stays RUNNING (set before the task is submitted). */
        volatile String holdTask;
        final java.util.Set<String> held = ConcurrentHashMap.newKeySet();

        @Override
        public boolean supportsArrays() {
            return arraysSupported;
        }

        @Override
        public synchronized String submitArray(TaskSpec resources, String jobName, List<String> scripts,
                                               int throttle) {
            arrayAttempts++;
            if (down || arraysDown) {
                throw new SchedulerUnavailableException("down");
            }
            String id = Integer.toString(500 + arrays.size());
            arrays.add(jobName + " " + scripts.size() + "%" + throttle);
            arrayScripts.add(scripts);
            for (int i = 0; i < scripts.size(); i++) {
                names.put(arrayElement(id, i), jobName);
            }
            names.put(id, jobName);
            return id;
        }

        @Override
        public String arrayElement(String arrayJobId, int index) {
            return arrayJobId + "_" + index;
        }

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
            if (spec.taskId().equals(holdTask)) {
                held.add(jobName);
            }
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
                if (held.contains(name)) {
                    answer.put(id, new SchedulerJob(TaskState.RUNNING, "RUNNING", null, null, Instant.now(), null));
                } else if (name.equals(names.get(id))) {
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

    @Test
    void aLongQueueGoesOutAsArraysWhoseElementsAreTheTasks() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.arraysSupported = true;
        BatchBackend backend = new BatchBackend(scheduler, new BatchBackend.Settings("t", 4, state, null, 100, 5, 3));
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(backend.submit(spec("arr" + i)));
            }
            for (String id : ids) {
                assertEquals(TaskState.COMPLETE, backend.await(id, Duration.ofSeconds(10)).state());
            }
            assertTrue(!scheduler.arrays.isEmpty(), "no array was submitted");
            assertTrue(scheduler.arrays.size() + scheduler.submitted.size() < 30, scheduler.arrays + " "
                    + scheduler.submitted);
            // throttled to arrayThrottle 3, or to the slots free at that moment when fewer, and at most 8 times that
            for (String array : scheduler.arrays) {
                String[] sizeAndThrottle = array.substring(array.indexOf(' ') + 1).split("%");
                int throttle = Integer.parseInt(sizeAndThrottle[1]);
                assertTrue(throttle >= 1 && throttle <= 3, array);
                assertTrue(Integer.parseInt(sizeAndThrottle[0]) <= 8 * throttle, array);
            }
            // each element runs its own task's script
            int checked = 0;
            for (int i = 0; i < 30; i++) {
                String element = backend.jobId(ids.get(i));
                if (element.contains("_")) {
                    int array = Integer.parseInt(element.substring(0, element.indexOf('_'))) - 500;
                    int index = Integer.parseInt(element.substring(element.indexOf('_') + 1));
                    String script = scheduler.arrayScripts.get(array).get(index);
                    assertTrue(script.contains(": 'task arr" + i + "'\n"), script);
                    checked++;
                }
            }
            assertTrue(checked > 5, checked + " tasks went out in arrays");
        } finally {
            backend.shutdown();
        }
    }

    @Test
    void aLongJobHoldingASlotDoesNotStopTheArrays() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.arraysSupported = true;
        BatchBackend backend = new BatchBackend(scheduler, new BatchBackend.Settings("t", 4, state, null, 100, 5, 0));
        try {
            scheduler.holdTask = "slow";
            String slow = backend.submit(spec("slow"));
            assertEquals(TaskState.RUNNING, backend.await(slow, Duration.ofMillis(700)).state());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(backend.submit(spec("busy" + i)));
            }
            for (String id : ids) {
                assertEquals(TaskState.COMPLETE, backend.await(id, Duration.ofSeconds(10)).state());
            }
            assertEquals(TaskState.RUNNING, backend.status(slow).state());
            assertTrue(!scheduler.arrays.isEmpty(), "no array was submitted");
            // 3 slots were free: each array ran at most 3 at once and held at most 8 times that
            for (String array : scheduler.arrays) {
                String[] sizeAndThrottle = array.substring(array.indexOf(' ') + 1).split("%");
                assertTrue(Integer.parseInt(sizeAndThrottle[1]) <= 3, array);
                assertTrue(Integer.parseInt(sizeAndThrottle[0]) <= 8 * Integer.parseInt(sizeAndThrottle[1]), array);
            }
        } finally {
            backend.shutdown();
        }
    }

    @Test
    void anArrayThatMayNotHaveReachedTheSchedulerIsLookedUpThenSentAsSingleJobs() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.arraysSupported = true;
        scheduler.arraysDown = true;
        BatchBackend backend = new BatchBackend(scheduler, new BatchBackend.Settings("t", 4, state, null, 100, 5, 0));
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(backend.submit(spec("retry" + i)));
            }
            for (String id : ids) {
                assertEquals(TaskState.COMPLETE, backend.await(id, Duration.ofSeconds(10)).state());
            }
            assertTrue(scheduler.arrayAttempts >= 1, "no array was tried");
            assertEquals(List.of(), scheduler.arrays);
            assertEquals(8, scheduler.submitted.size(), scheduler.submitted::toString);
            assertEquals(8, new java.util.HashSet<>(scheduler.submitted).size(), "one job per task");
        } finally {
            backend.shutdown();
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

    @Test
    void awaitAnyAnswersForEveryTaskOnceOneEndedAndTellsRunningAndQueuedApart() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.holdTask = "held";
        BatchBackend backend = new BatchBackend(scheduler, new BatchBackend.Settings("t", 1, state, null, 100));
        try {
            String held = backend.submit(spec("held"));
            String waiting = backend.submit(spec("waiting"));
            // the held job runs and takes the only slot; the other task waits in the queue: nothing ends
            var none = backend.awaitAny(List.of(held, waiting), Duration.ofMillis(700));
            assertEquals(List.of(held, waiting), List.copyOf(none.keySet()));
            assertEquals(TaskState.QUEUED, none.get(waiting).state());
            assertFalse(none.get(held).state().isTerminal());
            backend.cancel(waiting);
            var ended = backend.awaitAny(List.of(held, waiting), Duration.ofSeconds(30));
            assertEquals(TaskState.CANCELED, ended.get(waiting).state());
            assertFalse(ended.get(held).state().isTerminal());
            scheduler.held.clear();
            assertEquals(TaskState.COMPLETE, backend.awaitAny(List.of(held), Duration.ofSeconds(30)).get(held).state());
        } finally {
            backend.shutdown();
        }
    }
}
