package io.cairn.compute.ra.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.compute.TaskSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Job a task becomes, rendered without a server. */
class KubernetesJobManifestTest {

    private static final Path ROOT = Path.of("/srv/cairn");

    private static TaskSpec spec(int cores, long memoryMb, long timeLimit, String image, List<String> readOnly,
                                 boolean network) {
        return new TaskSpec("run-7/step 1", List.of("grep", "-c", "a b; $(rm -rf /)", "'"),
                Map.of("PATH", "/usr/local/bin:/usr/bin", "HOME", "/srv/cairn/runs/7/work", "LC_ALL", "C"),
                "/srv/cairn/runs/7/work", "/srv/cairn/runs/7/in.txt", "/srv/cairn/runs/7/out.txt",
                "/srv/cairn/runs/7/err.txt", cores, memoryMb, image, image != null, readOnly, network, timeLimit);
    }

    private static JobManifest.Context context(String image) {
        return new JobManifest.Context("pool-a", "cairn-work", ROOT, image, null, new long[] {1000, 1001}, 42);
    }

    private static Job render(TaskSpec spec) {
        return JobManifest.render(spec, JobManifest.jobName("pool-a", spec.taskId()),
                context(spec.image() != null ? spec.image() : "busybox:1.36"));
    }

    @Test
    void coresAndMemoryAreRequestsAndLimits() {
        Container container = container(render(spec(3, 1536, 0, null, List.of(), false)));
        Map<String, Quantity> requests = container.getResources().getRequests();
        assertEquals(new Quantity("3"), requests.get("cpu"));
        assertEquals(new Quantity("1536Mi"), requests.get("memory"));
        assertEquals(requests, container.getResources().getLimits());
        Container noMemory = container(render(spec(1, 0, 0, null, List.of(), false)));
        assertEquals(Map.of("cpu", new Quantity("1")), noMemory.getResources().getLimits(),
                "no memory limit when the task names none");
    }

    @Test
    void aJobRunsOnePodOnceWithinTheTimeLimitAndStartsSuspended() {
        Job job = render(spec(1, 0, 90, null, List.of(), false));
        assertEquals(0, job.getSpec().getBackoffLimit());
        assertEquals(1, job.getSpec().getCompletions());
        assertEquals(90L, job.getSpec().getActiveDeadlineSeconds());
        assertTrue(job.getSpec().getSuspend(), "the backend resumes it when a slot is free");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertFalse(pod.getAutomountServiceAccountToken(), "no service account configured: no token in the pod");
        assertNull(pod.getServiceAccountName());
        assertFalse(pod.getEnableServiceLinks());
        assertEquals(1000L, pod.getSecurityContext().getRunAsUser());
        assertEquals(1001L, pod.getSecurityContext().getRunAsGroup());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container container = pod.getContainers().get(0);
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        Job asRoot = JobManifest.render(spec(1, 0, 0, null, List.of(), false), "n", new JobManifest.Context("p",
                "c", ROOT, "i", null, new long[] {0, 0}, 1));
        assertNull(asRoot.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot(),
                "a server running as root makes root pods: not claimed to be non-root");
        assertNull(render(spec(1, 0, 0, null, List.of(), false)).getSpec().getActiveDeadlineSeconds());
    }

    @Test
    void theNameAndLabelsFindTheJobAgain() {
        Job job = render(spec(1, 0, 0, null, List.of(), true));
        String name = job.getMetadata().getName();
        assertEquals(JobManifest.jobName("pool-a", "run-7/step 1"), name);
        assertTrue(name.matches("cairn-pool-a-run-7-step-1-[0-9a-f]{10}"), name);
        assertTrue(JobManifest.isJobName("pool-a", name));
        assertFalse(JobManifest.isJobName("pool-b", name));
        assertEquals("pool-a", job.getMetadata().getLabels().get(JobManifest.LABEL_POOL));
        assertEquals("42", job.getMetadata().getLabels().get(JobManifest.LABEL_SEQ));
        assertEquals("run-7/step 1", job.getMetadata().getAnnotations().get(JobManifest.ANNOTATION_TASK));
        assertEquals("/srv/cairn/runs/7/out.txt", job.getMetadata().getAnnotations()
                .get(JobManifest.ANNOTATION_STDOUT));
        assertEquals("allowed", job.getSpec().getTemplate().getMetadata().getLabels()
                .get(JobManifest.LABEL_NETWORK));
        assertEquals("none", render(spec(1, 0, 0, null, List.of(), false)).getSpec().getTemplate().getMetadata()
                .getLabels().get(JobManifest.LABEL_NETWORK));
    }

    @Test
    void namesAreValidDnsLabelsAndDifferWhereTheReductionWouldMergeThem() {
        String longId = "Ä".repeat(10) + "x".repeat(200);
        String name = JobManifest.jobName("A Pool With A Long Name", longId);
        assertTrue(name.length() <= 63, name);
        assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), name);
        assertFalse(JobManifest.jobName("p", "a/b").equals(JobManifest.jobName("p", "a b")));
        assertEquals(JobManifest.jobName("p", "a/b"), JobManifest.jobName("p", "a/b"));
        assertFalse(JobManifest.isJobName("p", "../etc"));
        assertEquals("a_pool", JobManifest.poolLabel("-a pool-"));
    }

    @Test
    void theCommandIsTheFixedWrapperThenTheArgumentListUntouched() {
        Container container = container(render(spec(1, 0, 0, null, List.of(), false)));
        assertEquals(List.of("/bin/sh", "-c", JobManifest.REDIRECT, "cairn-task", "/srv/cairn/runs/7/in.txt",
                "/srv/cairn/runs/7/out.txt", "/srv/cairn/runs/7/err.txt", "grep", "-c", "a b; $(rm -rf /)", "'"),
                container.getCommand());
        assertTrue(container.getArgs() == null || container.getArgs().isEmpty(), "no args after the command");
        assertEquals("/srv/cairn/runs/7/work", container.getWorkingDir());
        assertEquals("busybox:1.36", container.getImage(), "the default image when the task names none");
        assertEquals(Map.of("HOME", "/srv/cairn/runs/7/work", "LC_ALL", "C"), env(container),
                "the task's environment without the host's PATH");
        TaskSpec noStdin = new TaskSpec("t", List.of("true"), Map.of(), "/srv/cairn/w", null, "/srv/cairn/o",
                "/srv/cairn/o", 1, 0, "debian:12");
        Container same = container(render(noStdin));
        assertEquals(List.of("/bin/sh", "-c", JobManifest.REDIRECT_SAME, "cairn-task", "/dev/null", "/srv/cairn/o",
                "/srv/cairn/o", "true"), same.getCommand());
        assertEquals("debian:12", same.getImage());
    }

    @Test
    void theClaimIsMountedAtTheSamePathAndInputsReadOnlyFromIt() {
        Job job = render(spec(1, 0, 0, null, List.of("/srv/cairn/files/a", "/srv/cairn/files/a/b.txt",
                "/srv/cairn/files/c.txt"), false));
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("cairn-work", pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        List<VolumeMount> mounts = pod.getContainers().get(0).getVolumeMounts();
        assertEquals(3, mounts.size(), mounts::toString);
        assertEquals("/srv/cairn", mounts.get(0).getMountPath());
        assertNull(mounts.get(0).getSubPath());
        assertFalse(Boolean.TRUE.equals(mounts.get(0).getReadOnly()));
        assertEquals("/srv/cairn/files/a", mounts.get(1).getMountPath());
        assertEquals("files/a", mounts.get(1).getSubPath());
        assertTrue(mounts.get(1).getReadOnly());
        assertEquals("files/c.txt", mounts.get(2).getSubPath());
        assertTrue(mounts.get(2).getReadOnly());
    }

    @Test
    void aServiceAccountIsUsedWithItsToken() {
        TaskSpec spec = spec(1, 0, 0, null, List.of(), false);
        Job job = JobManifest.render(spec, "n", new JobManifest.Context("p", "c", ROOT, "i", "cairn-tasks", null,
                1));
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("cairn-tasks", pod.getServiceAccountName());
        assertTrue(pod.getAutomountServiceAccountToken());
        assertNull(pod.getSecurityContext().getRunAsUser(), "without a known owner the image's user runs it");
    }

    @Test
    void rejectsPathsOutsideTheClaimAndWhatAJobCannotCarry() {
        TaskSpec outside = new TaskSpec("t", List.of("true"), Map.of(), "/tmp/w", null, "/srv/cairn/o",
                "/srv/cairn/e", 1, 0, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobManifest.validate(outside, ROOT));
        assertTrue(e.getMessage().contains("workDir /tmp/w is not under /srv/cairn"), e.getMessage());
        TaskSpec escaping = new TaskSpec("t", List.of("true"), Map.of(), "/srv/cairn/../etc", null, "/srv/cairn/o",
                "/srv/cairn/e", 1, 0, null);
        assertThrows(IllegalArgumentException.class, () -> JobManifest.validate(escaping, ROOT));
        TaskSpec input = new TaskSpec("t", List.of("true"), Map.of(), "/srv/cairn/w", null, "/srv/cairn/o",
                "/srv/cairn/e", 1, 0, null, false, List.of("/home/x"), false, 0);
        assertThrows(IllegalArgumentException.class, () -> JobManifest.validate(input, ROOT));
        TaskSpec badEnv = new TaskSpec("t", List.of("true"), Map.of("A=B", "x"), "/srv/cairn/w", null,
                "/srv/cairn/o", "/srv/cairn/e", 1, 0, null);
        assertThrows(IllegalArgumentException.class, () -> JobManifest.validate(badEnv, ROOT));
        TaskSpec badImage = new TaskSpec("t", List.of("true"), Map.of(), "/srv/cairn/w", null, "/srv/cairn/o",
                "/srv/cairn/e", 1, 0, "-rm");
        assertThrows(IllegalArgumentException.class, () -> JobManifest.validate(badImage, ROOT));
        TaskSpec elsewhere = new TaskSpec("t", List.of("true"), Map.of(), "/srv/cairn/w", null, "/srv/cairn/o",
                "/srv/cairn/e", 1, 0, "img", true, List.of(), false, 0, "/other", List.of());
        e = assertThrows(IllegalArgumentException.class, () -> JobManifest.validate(elsewhere, ROOT));
        assertTrue(e.getMessage().contains("submit to a pool of kind docker"), e.getMessage());
        JobManifest.validate(spec(1, 0, 0, null, List.of("/srv/cairn/in"), false), ROOT);
    }

    private static Container container(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName,
                EnvVar::getValue));
    }
}
