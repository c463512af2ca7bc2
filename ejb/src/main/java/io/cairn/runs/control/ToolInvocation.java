package io.cairn.runs.control;

import io.cairn.compute.TaskSpec;
import io.cairn.cwl.BuiltCommand;
import io.cairn.cwl.CommandLineBuilder;
import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlException;
import io.cairn.cwl.DockerRequirement;
import io.cairn.cwl.InitialWorkDir;
import io.cairn.cwl.JobInputs;
import io.cairn.cwl.OutputCollector;
import io.cairn.cwl.ResourceRequirement;
import io.cairn.cwl.RuntimeContext;
import io.cairn.files.boundary.FileStore;
import io.cairn.files.entity.StoredFile;
import io.cairn.platform.JsonValues;
import io.cairn.platform.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One invocation of a CommandLineTool in a workspace, the same for a tool run and for a step
 * instance of a workflow: staging the inputs into the workspace and building the command line,
 * the task to submit, and collecting and storing the outputs once it exited. Plain Java; the
 * callers record what it gives in their own transactions.
 */
final class ToolInvocation {

    /** What staging recorded: the staged inputs and the command (argv, env, stdin), as JSON, and the stream files. */
    record Staged(String stagedInputs, String commandLine, String stdout, String stderr) {
    }

    /** In the run's root folder: the writable InitialWorkDir entries an in-place update hands on. */
    static final String INPLACE_UPDATES = "inplace-updates.json";

    /**
     * In the run's root folder: the InitialWorkDir entries with an absolute entryname that the container sees at
     * that path (a list of {@code {source, target, readOnly}}), for the task and for collecting its outputs.
     */
    static final String CONTAINER_MOUNTS = "container-mounts.json";

    /** Under the run's {@code inputs} folder: the host copies of those entries. */
    static final String CONTAINER_ENTRIES = "container-entries";

    private final FileStore files;

    ToolInvocation(FileStore files) {
        this.files = files;
    }

    /**
     * Resolves the job against the tool, copies the input files into the workspace and builds
     * the command line.
     *
     * @throws CwlException when the inputs do not fit the tool
     * @throws IOException  when the workspace cannot be prepared
     */
    Staged stage(CommandLineTool tool, Map<String, Object> job, RunWorkspace workspace) throws IOException {
        Map<String, Object> resolved = JobInputs.resolve(tool, job);
        Files.createDirectories(workspace.work());
        Files.createDirectories(workspace.tmp());
        Files.createDirectories(workspace.logs());
        Files.createDirectories(workspace.inputs());
        @SuppressWarnings("unchecked")
        Map<String, Object> staged = JobInputs.loadContents(tool,
                (Map<String, Object>) stageValue(resolved, workspace, new int[1]));
        Path inputsReal = workspace.inputs().toRealPath();
        staged = JobInputs.secondaryFiles(tool, staged, runtime(tool, workspace, staged), new JobInputs.Beside() {
            @Override
            public Map<String, Object> place(Map<String, Object> primary, Map<String, Object> object, String basename) {
                return placeBeside(primary, object, basename, inputsReal);
            }

            @Override
            public void drop(Map<String, Object> secondary) {
                dropStaged(secondary, inputsReal);
            }
        });
        Map<String, Object> origins = new LinkedHashMap<>();
        if (tool.inplaceUpdate()) {
            origins(resolved, staged, origins);
        }
        staged = stageInitialWorkDir(tool, staged, workspace, origins);
        RuntimeContext runtime = runtime(tool, workspace, staged);
        BuiltCommand command = CommandLineBuilder.build(tool, staged, runtime);
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("cores", runtime.cores());
        stored.put("ram", runtime.ram());
        stored.put("timelimit", tool.timeLimitFor(staged, runtime));
        stored.put("argv", command.argv());
        stored.put("env", environment(tool, command, workspace));
        stored.put("stdin", command.stdin());
        return new Staged(JsonValues.write(staged), JsonValues.write(stored),
                workspace.streamFile(command.stdoutFile(), "stdout.txt").toString(),
                workspace.streamFile(command.stderrFile(), "stderr.txt").toString());
    }

    /**
     * Places the InitialWorkDirRequirement entries in the work folder (copies: a tool may change
     * them) and gives the inputs their new paths. Only files of this run (its staged inputs, its
     * work folder) and stored files are copied, and only to places inside the work folder.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> stageInitialWorkDir(CommandLineTool tool, Map<String, Object> staged,
                                                    RunWorkspace workspace, Map<String, Object> origins)
            throws IOException {
        Files.deleteIfExists(workspace.root().resolve(INPLACE_UPDATES));
        Files.deleteIfExists(workspace.root().resolve(CONTAINER_MOUNTS));
        List<InitialWorkDir.Entry> entries = InitialWorkDir.evaluate(tool, staged, runtime(tool, workspace, staged));
        if (entries.isEmpty()) {
            return staged;
        }
        List<Object> inplace = new ArrayList<>();
        Path work = workspace.work().toRealPath();
        Path inputs = workspace.inputs().toRealPath();
        Map<String, String> moved = new LinkedHashMap<>();
        List<Object> mounts = new ArrayList<>();
        for (InitialWorkDir.Entry entry : entries) {
            if (entry.inContainer()) {
                mounts.addAll(stageContainerEntry(entry, mounts.size(), work, inputs, moved));
                continue;
            }
            Path target = work.resolve(entry.name()).normalize();
            Files.createDirectories(target.getParent());
            if (!target.startsWith(work) || !target.getParent().toRealPath().startsWith(work)) {
                throw new CwlException(CwlException.Kind.INVALID, "entryname '" + entry.name() + "' leaves the output folder", null, null);
            }
            if (entry.contents() != null) {
                Files.deleteIfExists(target);
                Files.writeString(target, entry.contents(), StandardCharsets.UTF_8);
            } else {
                place(entry.object(), target, work, inputs, moved);
                if (entry.writable() && entry.object().get("path") instanceof String p && origins.containsKey(p)) {
                    // InplaceUpdateRequirement: what the tool leaves here replaces the input it came from
                    Map<String, Object> update = new LinkedHashMap<>();
                    update.put("old", origins.get(p));
                    update.put("path", target.toString());
                    inplace.add(update);
                }
            }
        }
        if (!inplace.isEmpty()) {
            Files.writeString(workspace.root().resolve(INPLACE_UPDATES), JsonValues.write(inplace),
                    StandardCharsets.UTF_8);
        }
        if (!mounts.isEmpty()) {
            Files.writeString(workspace.root().resolve(CONTAINER_MOUNTS), JsonValues.write(mounts),
                    StandardCharsets.UTF_8);
        }
        return (Map<String, Object>) InitialWorkDir.relocate(staged, moved);
    }

    /**
     * An entry with an absolute entryname of a tool that requires its container (InitialWorkDir gives those only
     * then): placed on the host in {@code inputs/container-entries/<n>/<basename>}, a folder of this run only, and
     * mounted at the entryname inside the container (read-only unless {@code writable}); the inputs point at the
     * entryname. A File's secondary files are mounted beside it. Nothing is ever written at the entryname on the
     * host.
     *
     * @param index a number no other container entry of the run has
     * @return the mounts, as {@link #CONTAINER_MOUNTS} records them
     */
    private List<Map<String, Object>> stageContainerEntry(InitialWorkDir.Entry entry, int index, Path work,
                                                          Path inputs, Map<String, String> moved)
            throws IOException {
        String name = Path.of(entry.name()).getFileName().toString();
        Path folder = inputs.resolve(CONTAINER_ENTRIES).resolve(Integer.toString(index));
        Files.createDirectories(folder);
        Path source = folder.resolve(FileStore.checkBasename(name));
        if (!source.normalize().startsWith(inputs) || !folder.toRealPath().startsWith(inputs)) {
            throw new CwlException(CwlException.Kind.INVALID, "entryname '" + entry.name() + "' cannot be staged",
                    null, null);
        }
        List<Map<String, Object>> mounts = new ArrayList<>();
        mounts.add(mount(source, entry.name(), !entry.writable()));
        if (entry.contents() != null) {
            Files.deleteIfExists(source);
            Files.writeString(source, entry.contents(), StandardCharsets.UTF_8);
            return mounts;
        }
        Map<String, String> placed = new LinkedHashMap<>();
        place(entry.object(), source, work, inputs, placed);
        Path target = Path.of(entry.name());
        for (Map.Entry<String, String> e : placed.entrySet()) {
            Path copy = Path.of(e.getValue()).normalize();
            if (copy.startsWith(source)) {
                // the entry, or what lies inside a staged Directory: seen below the entryname
                String relative = source.relativize(copy).toString();
                moved.put(e.getKey(), relative.isEmpty() ? entry.name() : entry.name() + "/" + relative);
            } else {
                // a secondary file placed beside the entry: mounted beside it
                String beside = target.resolveSibling(copy.getFileName().toString()).toString();
                mounts.add(mount(copy, beside, !entry.writable()));
                moved.put(e.getKey(), beside);
            }
        }
        return mounts;
    }

    private static Map<String, Object> mount(Path source, String target, boolean readOnly) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("source", source.toString());
        mount.put("target", target);
        mount.put("readOnly", readOnly);
        return mount;
    }

    /** The mounts {@link #stageInitialWorkDir} recorded for the run, as the task carries them; none if it has none. */
    @SuppressWarnings("unchecked")
    static List<TaskSpec.Mount> containerMounts(RunWorkspace workspace) {
        Path record = workspace.root().resolve(CONTAINER_MOUNTS);
        if (!Files.isRegularFile(record)) {
            return List.of();
        }
        try {
            List<TaskSpec.Mount> out = new ArrayList<>();
            for (Object item : (List<Object>) JsonValues.parse(Files.readString(record, StandardCharsets.UTF_8),
                    "container mounts")) {
                Map<String, Object> m = (Map<String, Object>) item;
                out.add(new TaskSpec.Mount((String) m.get("source"), (String) m.get("target"),
                        Boolean.TRUE.equals(m.get("readOnly"))));
            }
            return out;
        } catch (IOException e) {
            throw new CwlException(CwlException.Kind.INVALID, "cannot read the container mounts of the run: "
                    + e.getMessage(), null, null);
        }
    }

    /**
     * The job's Files and Directories (as the job gave them) by the path they were staged to,
     * walking the resolved and the staged inputs side by side (also into listings and
     * secondaryFiles).
     */
    static void origins(Object resolved, Object staged, Map<String, Object> out) {
        if (resolved instanceof List<?> a && staged instanceof List<?> b && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                origins(a.get(i), b.get(i), out);
            }
            return;
        }
        if (!(resolved instanceof Map<?, ?> a) || !(staged instanceof Map<?, ?> b)) {
            return;
        }
        if (("File".equals(b.get("class")) || "Directory".equals(b.get("class"))) && b.get("path") instanceof String p) {
            out.putIfAbsent(p, a);
            origins(a.get("listing"), b.get("listing"), out);
            origins(a.get("secondaryFiles"), b.get("secondaryFiles"), out);
            return;
        }
        for (Map.Entry<?, ?> e : a.entrySet()) {
            origins(e.getValue(), b.get(e.getKey()), out);
        }
    }

    /**
     * What the tool changed in place (InplaceUpdateRequirement): for each writable
     * InitialWorkDir entry staged from an input File or Directory, {@code old} (the value the job
     * gave) and {@code new} (what the entry holds now, stored; a Directory keeps its basename).
     * Only the run's own folder is read; the stored input itself is left as it was. Empty unless
     * the tool has {@code inplaceUpdate: true}.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> inplaceUpdates(RunWorkspace workspace) throws IOException {
        Path record = workspace.root().resolve(INPLACE_UPDATES);
        if (!Files.isRegularFile(record)) {
            return List.of();
        }
        Path workReal = workspace.work().toRealPath();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : (List<Object>) JsonValues.parse(Files.readString(record, StandardCharsets.UTF_8),
                "in-place updates")) {
            Map<String, Object> update = (Map<String, Object>) item;
            Map<String, Object> old = (Map<String, Object>) update.get("old");
            Path path = Path.of((String) update.get("path"));
            Object value;
            if ("Directory".equals(old.get("class"))) {
                if (!Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue; // the tool removed it: nothing to hand on
                }
                List<String> problems = new ArrayList<>();
                value = storeOutputs(OutputCollector.directoryValue(path, workReal, path.getFileName().toString(),
                        problems), workReal);
                if (!problems.isEmpty()) {
                    throw new CwlException(CwlException.Kind.INVALID, "the Directory updated in place: "
                            + String.join("; ", problems), null, null);
                }
            } else {
                if (!Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                value = storeOutputs(OutputCollector.fileValue(path), workReal);
            }
            Map<String, Object> updated = new LinkedHashMap<>((Map<String, Object>) value);
            if (old.get("basename") instanceof String b) {
                updated.put("basename", b);
            }
            for (String kept : List.of("format", "secondaryFiles")) {
                if (old.get(kept) != null && !updated.containsKey(kept)) {
                    updated.put(kept, old.get(kept));
                }
            }
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("old", old);
            change.put("new", updated);
            out.add(change);
        }
        return out;
    }

    private void place(Map<?, ?> object, Path target, Path work, Path inputs, Map<String, String> moved)
            throws IOException {
        boolean directory = "Directory".equals(object.get("class"));
        if (object.get("path") instanceof String p) {
            Path source = Path.of(p).toRealPath();
            if (!(source.startsWith(inputs) || source.startsWith(work))) {
                throw new CwlException(CwlException.Kind.INVALID, "cannot stage '" + p + "' in the output folder: it is not a file of "
                        + "this run", null, null);
            }
            if (!source.equals(target)) {
                if (directory) {
                    copyTree(source, target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            moved.put(p, target.toString());
        } else if (!directory && object.get("location") instanceof String location) {
            StoredFile stored = files.resolve(location, "InitialWorkDirRequirement file");
            Files.copy(files.blob(stored), target, StandardCopyOption.REPLACE_EXISTING);
        } else if (!directory) {
            String contents = object.get("contents") instanceof String c ? c : "";
            Files.writeString(target, contents, StandardCharsets.UTF_8);
        } else {
            Files.createDirectories(target);
            if (object.get("listing") instanceof List<?> listing) {
                for (Object child : listing) {
                    if (child instanceof Map<?, ?> m && m.get("basename") instanceof String b) {
                        place(m, target.resolve(FileStore.checkBasename(b)), work, inputs, moved);
                    }
                }
            }
        }
        if (!directory && object.get("secondaryFiles") instanceof List<?> secondary) {
            for (Object s : secondary) {
                if (s instanceof Map<?, ?> m && m.get("path") instanceof String sp) {
                    place(m, target.resolveSibling(Path.of(sp).getFileName()), work, inputs, moved);
                }
            }
        }
    }

    /**
     * Stages a secondary File or Directory that a {@code secondaryFiles} expression gave for an
     * input: into the staged primary's folder under {@code basename}, from the file store (by
     * {@code location}), from this run's staged inputs (by {@code path}), or from a literal
     * (contents, listing). Nothing else is read.
     */
    private Map<String, Object> placeBeside(Map<String, Object> primary, Map<String, Object> object, String basename,
                                            Path inputsReal) {
        try {
            Path folder = Path.of((String) primary.get("path")).getParent();
            String name = FileStore.checkBasename(basename);
            Map<String, Object> source = new LinkedHashMap<>(object);
            source.put("basename", name);
            boolean directory = "Directory".equals(source.get("class"));
            boolean literal = directory ? source.get("listing") instanceof List<?> : source.get("contents") instanceof String;
            if (source.get("path") instanceof String p && !(source.get("location") instanceof String)
                    && !literal) {
                Path from = Path.of(p).toRealPath();
                if (!from.startsWith(inputsReal)) {
                    throw new CwlException(CwlException.Kind.INVALID, "'" + p + "' is not a file of this run's inputs", null, null);
                }
                Path target = folder.resolve(name);
                if (directory) {
                    copyTree(from, target);
                } else {
                    Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("class", directory ? "Directory" : "File");
                out.put("basename", name);
                out.put("path", target.toString());
                if (!directory) {
                    out.put("size", Files.size(target));
                }
                return out;
            }
            return directory ? stageDirectory(source, folder, new int[1]) : stagePrimary(source, folder, new int[1]);
        } catch (IOException e) {
            throw new CwlException(CwlException.Kind.INVALID, "cannot stage it: " + e.getMessage(), null, null);
        } catch (Problem e) {
            throw new CwlException(CwlException.Kind.INVALID, e.getMessage(), null, null);
        }
    }

    /** Deletes a staged secondary file (or folder) of this run's inputs that was staged again under another name. */
    private static void dropStaged(Map<String, Object> secondary, Path inputsReal) {
        if (!(secondary.get("path") instanceof String p)) {
            return;
        }
        try {
            Path given = Path.of(p).toAbsolutePath().normalize();
            if (given.getParent() == null || !Files.isDirectory(given.getParent())) {
                return;
            }
            Path path = given.getParent().toRealPath().resolve(given.getFileName());
            if (!path.startsWith(inputsReal) || path.equals(inputsReal)) {
                return;
            }
            if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (var walk = Files.walk(path)) {
                    for (Path each : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(each);
                    }
                }
            } else {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new CwlException(CwlException.Kind.INVALID, "cannot remove the staged secondary file '" + p
                    + "' given again under another name: " + e.getMessage(), null, null);
        }
    }

    /** Copies a folder; symbolic links inside it are not followed nor copied. */
    private static void copyTree(Path source, Path target) throws IOException {
        try (var walk = Files.walk(source)) {
            for (Path from : (Iterable<Path>) walk::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else if (Files.isRegularFile(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The task to submit for what {@link #stage} recorded. */
    @SuppressWarnings("unchecked")
    static TaskSpec taskSpec(String taskId, CommandLineTool tool, RunWorkspace workspace, String commandLine,
                             String stdout, String stderr) {
        Map<String, Object> stored = (Map<String, Object>) JsonValues.parse(commandLine, "stored command line");
        List<String> argv = new ArrayList<>((List<String>) stored.get("argv"));
        Map<String, String> env = new LinkedHashMap<>((Map<String, String>) stored.get("env"));
        RuntimeContext fixed = runtime(tool, workspace, null);
        // staging recorded the run's resources (they may depend on its inputs)
        RuntimeContext runtime = new RuntimeContext(fixed.outdir(), fixed.tmpdir(),
                stored.get("cores") instanceof Number c ? c.intValue() : fixed.cores(),
                stored.get("ram") instanceof Number r ? r.longValue() : fixed.ram());
        // the image goes out as a hint too: a pool with containers uses it, a host pool ignores it
        String image = tool.docker().map(DockerRequirement::image).orElse(null);
        return new TaskSpec(taskId, argv, env, workspace.work().toString(), (String) stored.get("stdin"),
                stdout, stderr, runtime.cores(), runtime.ram(), image, tool.dockerRequired(),
                List.of(workspace.inputs().toString()), tool.networkAccess(),
                stored.get("timelimit") instanceof Number t ? t.longValue() : tool.timeLimitSeconds(),
                tool.containerOutdir().orElse(null), containerMounts(workspace));
    }

    /**
     * Collects the outputs of a tool that exited with a success code and stores their files.
     *
     * @throws CwlException when the outputs are not as the tool describes them
     * @throws IOException  when the output folder cannot be read
     */
    Map<String, Object> collect(CommandLineTool tool, RunWorkspace workspace, String stagedInputs, int exitCode)
            throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> staged = (Map<String, Object>) JsonValues.parse(stagedInputs, "staged inputs");
        RuntimeContext runtime = runtime(tool, workspace, staged);
        BuiltCommand command = CommandLineBuilder.build(tool, staged, runtime);
        // entries the container saw at an absolute entryname are read from their host copies
        Map<String, String> hostCopies = new LinkedHashMap<>();
        for (TaskSpec.Mount mount : containerMounts(workspace)) {
            hostCopies.put(mount.target(), mount.source());
        }
        staged = (Map<String, Object>) InitialWorkDir.relocate(staged, hostCopies);
        Map<String, Object> collected = OutputCollector.collect(tool, workspace.work(), staged, runtime, command, exitCode);
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = (Map<String, Object>) storeOutputs(collected, workspace.work().toRealPath());
        return stored;
    }

    /**
     * Replaces every collected File (with a local path) by a stored file with location, size and
     * checksum. Only regular files inside the run's work folder are stored (checked again here,
     * with symbolic links resolved, whatever the collector did).
     */
    Object storeOutputs(Object value, Path workReal) {
        if (value instanceof Map<?, ?> map) {
            if ("Directory".equals(map.get("class")) && map.get("path") instanceof String) {
                Map<String, Object> dir = new LinkedHashMap<>();
                dir.put("class", "Directory");
                dir.put("basename", map.get("basename"));
                List<Object> listing = new ArrayList<>();
                if (map.get("listing") instanceof List<?> entries) {
                    entries.forEach(e -> listing.add(storeOutputs(e, workReal)));
                }
                dir.put("listing", listing);
                return dir;
            }
            if ("File".equals(map.get("class")) && map.get("path") instanceof String path) {
                Path file = insideWork(Path.of(path), workReal);
                String basename = map.get("basename") instanceof String b ? b : file.getFileName().toString();
                StoredFile stored = files.store(file, basename);
                Map<String, Object> out = fileObject(stored);
                for (String kept : List.of("format", "contents")) {
                    if (map.get(kept) instanceof String v) {
                        out.put(kept, v);
                    }
                }
                if (map.get("secondaryFiles") instanceof List<?> secondary) {
                    out.put("secondaryFiles", storeOutputs(secondary, workReal));
                }
                return out;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), storeOutputs(v, workReal)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(storeOutputs(v, workReal)));
            return out;
        }
        return value;
    }

    private static Path insideWork(Path file, Path workReal) {
        try {
            Path real = file.toRealPath();
            // the work folder, or the staged inputs beside it (an input handed back as an output)
            Path inputsReal = workReal.resolveSibling("inputs");
            if (!(real.startsWith(workReal) || real.startsWith(inputsReal)) || !Files.isRegularFile(real)) {
                throw new CwlException(CwlException.Kind.INVALID, "output file '" + file
                        + "' is not a regular file inside the run's output folder or its staged inputs", null, null);
            }
            return real;
        } catch (IOException e) {
            throw new CwlException(CwlException.Kind.INVALID, "output file '" + file + "' cannot be read: " + e.getMessage(), null, null);
        }
    }

    static Map<String, Object> fileObject(StoredFile stored) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("class", "File");
        file.put("location", FileStore.location(stored));
        file.put("basename", stored.getBasename());
        file.put("size", stored.getSize());
        file.put("checksum", stored.checksum());
        return file;
    }

    /** Copies every input File into {@code inputs/<n>/<basename>} and gives it a path. */
    Object stageValue(Object value, RunWorkspace workspace, int[] counter) throws IOException {
        if (value instanceof Map<?, ?> map) {
            if ("File".equals(map.get("class"))) {
                return stageFile(map, workspace.inputs().resolve(Integer.toString(counter[0]++)), counter);
            }
            if ("Directory".equals(map.get("class"))) {
                return stageDirectory(map, workspace.inputs().resolve(Integer.toString(counter[0]++)), counter);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), stageValue(e.getValue(), workspace, counter));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(stageValue(item, workspace, counter));
            }
            return out;
        }
        return value;
    }

    /**
     * Creates a Directory literal as {@code folder/<basename>} and stages its listing inside it,
     * Files by copy from the store or from their literal contents, Directories recursively.
     * Directories given only by location are refused: the file store holds files, so a client
     * sends a directory as a literal with its listing.
     */
    private Map<String, Object> stageDirectory(Map<?, ?> dir, Path folder, int[] counter) throws IOException {
        if (!(dir.get("listing") instanceof List<?> listing)) {
            throw Problem.badRequest("a Directory input must be a Directory literal with a \"listing\" (got one with "
                    + "location " + dir.get("location") + "); Cairn stores files, so send each file's location "
                    + "in the listing");
        }
        String basename = dir.get("basename") instanceof String b ? FileStore.checkBasename(b)
                : dir.get("location") instanceof String l && !l.isBlank()
                ? FileStore.checkBasename(l.replaceAll("/+$", "").replaceAll(".*/", ""))
                : "dir-" + counter[0];
        Path target = folder.resolve(basename);
        Files.createDirectories(target);
        List<Object> staged = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Object entry : listing) {
            Map<?, ?> map = (Map<?, ?>) entry;
            Map<String, Object> child = "Directory".equals(map.get("class"))
                    ? stageDirectory(map, target, counter) : stageFile(map, target, counter);
            if (!names.add((String) child.get("basename"))) {
                throw Problem.badRequest("the Directory '" + basename + "' lists '" + child.get("basename")
                        + "' twice");
            }
            staged.add(child);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class", "Directory");
        out.put("basename", basename);
        out.put("path", target.toString());
        out.put("listing", staged);
        if (Boolean.TRUE.equals(dir.get(JobInputs.LISTING_LOADED))) {
            out.put(JobInputs.LISTING_LOADED, true);
        }
        return out;
    }

    /**
     * Copies (or, for a literal, writes) a File to {@code folder/<basename>}, and its
     * {@code secondaryFiles} beside it, as CWL requires.
     */
    private Map<String, Object> stageFile(Map<?, ?> file, Path folder, int[] counter) throws IOException {
        Map<String, Object> staged = stagePrimary(file, folder, counter);
        if (file.get("secondaryFiles") instanceof List<?> secondary) {
            List<Object> out = new ArrayList<>();
            for (Object entry : secondary) {
                if (!(entry instanceof Map<?, ?> m)) {
                    throw Problem.badRequest("secondaryFiles of '" + staged.get("basename")
                            + "' must be Files or Directories");
                }
                Map<String, Object> s = "Directory".equals(m.get("class")) ? stageDirectory(m, folder, counter)
                        : stagePrimary(m, folder, counter);
                if (s.get("basename").equals(staged.get("basename"))) {
                    throw Problem.badRequest("a secondary file of '" + staged.get("basename") + "' has its name");
                }
                out.add(s);
            }
            staged.put("secondaryFiles", out);
        }
        return staged;
    }

    private Map<String, Object> stagePrimary(Map<?, ?> file, Path folder, int[] counter) throws IOException {
        Files.createDirectories(folder);
        Map<String, Object> staged = new LinkedHashMap<>();
        staged.put("class", "File");
        if (file.get("location") instanceof String location) {
            StoredFile stored = files.resolve(location, "input file");
            String basename = file.get("basename") instanceof String b ? FileStore.checkBasename(b) : stored.getBasename();
            Path target = folder.resolve(basename);
            // copy then rename, so that a crash mid-copy never leaves a truncated input behind
            Path partial = folder.resolve(".partial-" + basename);
            Files.copy(files.blob(stored), partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            staged.putAll(fileObject(stored));
            staged.put("basename", basename);
            staged.put("path", target.toString());
        } else {
            String contents = file.get("contents") instanceof String c ? c : "";
            String basename = file.get("basename") instanceof String b ? FileStore.checkBasename(b) : "literal-" + counter[0];
            Path target = folder.resolve(basename);
            Files.writeString(target, contents, StandardCharsets.UTF_8);
            staged.put("basename", basename);
            staged.put("path", target.toString());
            staged.put("size", Files.size(target));
        }
        if (file.get("format") instanceof String format) {
            staged.put("format", format);
        }
        return staged;
    }

    /**
     * The environment a tool sees: a fixed PATH, HOME (the output folder, as the tool sees it) and TMPDIR per CWL,
     * then the tool's own variables.
     */
    static Map<String, String> environment(CommandLineTool tool, BuiltCommand command, RunWorkspace workspace) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", tool.containerOutdir().orElse(workspace.work().toString()));
        env.put("TMPDIR", workspace.tmp().toString());
        env.put("LANG", "C.UTF-8");
        env.putAll(command.env());
        return env;
    }

    /** @param staged the run's staged inputs, which resource expressions may use; null: the fixed resources only */
    static RuntimeContext runtime(CommandLineTool tool, RunWorkspace workspace, Map<String, Object> staged) {
        // the output folder as the tool sees it: in its container at dockerOutputDirectory, else at its own path
        RuntimeContext paths = new RuntimeContext(tool.containerOutdir().orElse(workspace.work().toString()),
                workspace.tmp().toString(), 1, 256);
        ResourceRequirement resources = staged == null ? tool.resources().orElse(ResourceRequirement.DEFAULTS)
                : tool.resourcesFor(staged, paths);
        return new RuntimeContext(paths.outdir(), paths.tmpdir(), resources.minCores(), resources.minRamMiB());
    }
}
