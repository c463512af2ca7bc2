package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.TaskSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code batch/v1} Job of one task, and the names and labels by which the backend finds it again. Pure: it
 * talks to no server, so the mapping from a {@link TaskSpec} to a Job is tested on its own.
 *
 * <p>The Job runs one pod ({@code backoffLimit} 0, {@code restartPolicy} Never) with one container named
 * {@value #CONTAINER}. The container's command is the fixed {@link #REDIRECT} program of {@code /bin/sh} followed by
 * the task's stdin, stdout and stderr paths and then the task's argument list as separate arguments: the shell only
 * opens the three files and replaces itself ({@code exec}) with the task's program; no argument is ever part of a
 * shell string. The work folder comes from one PersistentVolumeClaim mounted at the same path as on the Cairn server;
 * the task's read-only inputs are mounted again from the claim, read-only, at their own paths.
 */
final class JobManifest {

    static final String CONTAINER = "task";
    static final String VOLUME = "work";
    static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGED_BY = "cairn";
    static final String LABEL_POOL = "cairn.io/pool";
    static final String LABEL_SEQ = "cairn.io/seq";
    static final String LABEL_NETWORK = "cairn.io/network";
    static final String ANNOTATION_TASK = "cairn.io/task-id";
    static final String ANNOTATION_POOL = "cairn.io/pool";
    static final String ANNOTATION_STDOUT = "cairn.io/stdout";
    static final String ANNOTATION_STDERR = "cairn.io/stderr";
    /** The label Kubernetes' Job controller puts on the pods of a Job. */
    static final String LABEL_JOB_NAME = "job-name";

    /**
     * The fixed shell program of every task: {@code $1} stdin, {@code $2} stdout, {@code $3} stderr, the rest the
     * task's argument list. The variables are not exported, so the program sees the container's environment only.
     */
    static final String REDIRECT = "in=$1 out=$2 err=$3; shift 3; exec \"$@\" <\"$in\" >\"$out\" 2>\"$err\"";
    /** The same when stdout and stderr are one file: opened once, so the two streams interleave as written. */
    static final String REDIRECT_SAME = "in=$1 out=$2; shift 3; exec \"$@\" <\"$in\" >\"$out\" 2>&1";
    static final String SHELL = "/bin/sh";
    static final String SCRIPT_NAME = "cairn-task";

    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /**
     * What the Job needs beyond the task.
     *
     * @param poolName        the pool, exactly as configured (an annotation) and reduced to a label value
     * @param claimName       the PersistentVolumeClaim holding the work folders
     * @param mountPath       where the claim is mounted, the same path as on the Cairn server
     * @param image           the image to run
     * @param serviceAccount  the pod's service account, or null for none (no token is mounted then)
     * @param runAs           {@code {uid, gid}} to run as, or null for the image's user
     * @param sequence        the task's place in the pool's queue
     */
    record Context(String poolName, String claimName, Path mountPath, String image, String serviceAccount,
                   long[] runAs, long sequence) {
    }

    private JobManifest() {
    }

    /**
     * The Job of a task, created suspended: the backend resumes it when a slot is free. Call {@link #validate}
     * first.
     */
    static Job render(TaskSpec spec, String name, Context context) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_MANAGED_BY, MANAGED_BY);
        labels.put(LABEL_POOL, poolLabel(context.poolName()));
        labels.put(LABEL_SEQ, Long.toString(context.sequence()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ANNOTATION_TASK, spec.taskId());
        annotations.put(ANNOTATION_POOL, context.poolName());
        annotations.put(ANNOTATION_STDOUT, spec.stdout());
        annotations.put(ANNOTATION_STDERR, spec.stderr());
        Map<String, String> podLabels = new LinkedHashMap<>();
        podLabels.put(LABEL_MANAGED_BY, MANAGED_BY);
        podLabels.put(LABEL_POOL, poolLabel(context.poolName()));
        // Kubernetes cannot cut a pod off the network by itself: a NetworkPolicy selecting this label can
        podLabels.put(LABEL_NETWORK, spec.networkAccess() ? "allowed" : "none");

        PodSpecBuilder pod = new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withEnableServiceLinks(false)
                .withContainers(container(spec, context))
                .withVolumes(new VolumeBuilder().withName(VOLUME)
                        .withNewPersistentVolumeClaim().withClaimName(context.claimName()).endPersistentVolumeClaim()
                        .build());
        if (context.serviceAccount() != null) {
            pod.withServiceAccountName(context.serviceAccount()).withAutomountServiceAccountToken(true);
        } else {
            pod.withAutomountServiceAccountToken(false);
        }
        // what the "restricted" Pod Security Standard asks for, so that the pods are admitted in such a namespace
        PodSecurityContextBuilder security = new PodSecurityContextBuilder()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
        if (context.runAs() != null) {
            security.withRunAsUser(context.runAs()[0]).withRunAsGroup(context.runAs()[1])
                    .withRunAsNonRoot(context.runAs()[0] != 0 ? true : null);
        }
        pod.withSecurityContext(security.build());
        return new JobBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withLabels(labels)
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withSuspend(true)
                    .withBackoffLimit(0)
                    .withCompletions(1)
                    .withParallelism(1)
                    .withActiveDeadlineSeconds(spec.timeLimitSeconds() > 0 ? spec.timeLimitSeconds() : null)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(podLabels).endMetadata()
                        .withSpec(pod.build())
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(TaskSpec spec, Context context) {
        boolean same = Path.of(spec.stdout()).normalize().equals(Path.of(spec.stderr()).normalize());
        List<String> command = new ArrayList<>();
        command.add(SHELL);
        command.add("-c");
        command.add(same ? REDIRECT_SAME : REDIRECT);
        command.add(SCRIPT_NAME);
        command.add(spec.stdin() == null ? "/dev/null" : spec.stdin());
        command.add(spec.stdout());
        command.add(spec.stderr());
        command.addAll(spec.command());

        List<EnvVar> environment = new ArrayList<>();
        // the host's PATH means nothing in an image; without one the container keeps the image's PATH
        spec.environment().forEach((key, value) -> {
            if (!"PATH".equals(key)) {
                environment.add(new EnvVar(key, value, null));
            }
        });

        Map<String, Quantity> resources = new LinkedHashMap<>();
        resources.put("cpu", new Quantity(Integer.toString(spec.cores())));
        if (spec.memoryMb() > 0) {
            resources.put("memory", new Quantity(spec.memoryMb() + "Mi"));
        }
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(context.image())
                .withCommand(command)
                .withWorkingDir(spec.workDir())
                .withEnv(environment)
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withVolumeMounts(mounts(spec, context.mountPath()))
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    /**
     * The claim at its mount path, read-write; then each read-only input again, read-only, at its own path (a
     * {@code subPath} of the claim). An input inside another input is not mounted twice.
     */
    static List<VolumeMount> mounts(TaskSpec spec, Path mountPath) {
        Path root = mountPath.toAbsolutePath().normalize();
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName(VOLUME).withMountPath(root.toString()).build());
        List<Path> readOnly = new ArrayList<>();
        for (String text : spec.readOnlyPaths()) {
            Path path = Path.of(text).toAbsolutePath().normalize();
            if (path.equals(root) || readOnly.stream().anyMatch(path::startsWith)) {
                continue;
            }
            readOnly.removeIf(other -> other.startsWith(path));
            readOnly.add(path);
        }
        for (Path path : readOnly) {
            mounts.add(new VolumeMountBuilder().withName(VOLUME).withMountPath(path.toString())
                    .withSubPath(root.relativize(path).toString()).withReadOnly(true).build());
        }
        return mounts;
    }

    /** Rejects what the Job cannot carry faithfully, before anything is created. */
    static void validate(TaskSpec spec, Path mountPath) {
        Path root = mountPath.toAbsolutePath().normalize();
        if (spec.hasContainerPaths()) {
            throw new IllegalArgumentException("a kubernetes pool mounts a task's folders only at their own paths; it "
                    + "cannot place the output folder at " + spec.containerWorkDir() + " nor mount files elsewhere in"
                    + " the container (DockerRequirement.dockerOutputDirectory, an absolute InitialWorkDir entryname);"
                    + " submit to a pool of kind docker");
        }
        requireUnder("workDir", spec.workDir(), root);
        requireUnder("stdout", spec.stdout(), root);
        requireUnder("stderr", spec.stderr(), root);
        if (spec.stdin() != null) {
            requireUnder("stdin", spec.stdin(), root);
        }
        for (String path : spec.readOnlyPaths()) {
            requireUnder("a read-only path", path, root);
        }
        if (spec.image() != null && !IMAGE.matcher(spec.image()).matches()) {
            throw new IllegalArgumentException("not an image reference: " + spec.image());
        }
        for (String argument : spec.command()) {
            if (argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command argument contains a NUL character");
            }
        }
        spec.environment().forEach((key, value) -> {
            if (!ENV_NAME.matcher(key).matches() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name or value: " + key);
            }
        });
    }

    private static void requireUnder(String what, String text, Path root) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character");
        }
        Path path = Path.of(text);
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(what + " must be an absolute path: " + text);
        }
        if (!path.normalize().startsWith(root)) {
            throw new IllegalArgumentException(what + " " + text + " is not under " + root
                    + ", where the pool's PersistentVolumeClaim is mounted");
        }
    }

    /**
     * The Job name of a task: {@code cairn-<pool>-<task id>-<hash>} in lower case, pool and task id reduced to what
     * a DNS label allows and shortened, so that the whole stays within 63 characters (the {@code job-name} label of
     * the pods repeats it); the hash (10 hex digits of SHA-256 over pool and task id) keeps different tasks apart
     * whatever the reduction merged.
     */
    static String jobName(String poolName, String taskId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((poolName + "\n" + taskId).getBytes(StandardCharsets.UTF_8));
            String pool = dnsPart(poolName, 12);
            String task = dnsPart(taskId, 63 - "cairn-".length() - pool.length() - 2 - 10);
            return "cairn-" + pool + "-" + task + "-" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Whether a name can be one that {@link #jobName} makes for the pool. */
    static boolean isJobName(String poolName, String name) {
        return name != null && name.length() <= 63 && name.startsWith("cairn-" + dnsPart(poolName, 12) + "-")
                && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    /** The pool's name as a label value: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
    static String poolLabel(String poolName) {
        String clean = poolName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.length() > 63) {
            clean = clean.substring(0, 63);
        }
        clean = clean.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return clean.isEmpty() ? "pool" : clean;
    }

    private static String dnsPart(String text, int max) {
        String clean = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (clean.length() > max) {
            clean = clean.substring(0, max).replaceAll("-+$", "");
        }
        return clean.isEmpty() ? "x" : clean;
    }
}
