package io.cairn.portal;

import io.cairn.compute.LogChunk;
import io.cairn.compute.LogStream;
import io.cairn.runs.batch.RunJobs;
import io.cairn.runs.boundary.Runs;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.StepRun;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A run's page: state, exact command line, logs that grow while it runs, outputs to download. */
@Named
@ViewScoped
public class RunBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The most log text the page keeps per stream. */
    private static final int MAX_LOG_CHARS = 256 * 1024;

    /** One output file row. */
    public static final class OutputRow implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final Map<?, ?> file;
        private final String contextPath;

        OutputRow(String name, Map<?, ?> file, String contextPath) {
            this.name = name;
            this.file = file;
            this.contextPath = contextPath;
        }

        public String getName() {
            return name;
        }

        public String getBasename() {
            return String.valueOf(file.get("basename"));
        }

        public Object getSize() {
            return file.get("size");
        }

        public String getChecksum() {
            return String.valueOf(file.get("checksum"));
        }

        public String getHref() {
            return contextPath + file.get("location");
        }
    }

    @Inject
    Runs runs;

    @Inject
    RunJobs jobs;

    private String id;
    private Run run;
    private String problem;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private long stdoutOffset;
    private long stderrOffset;
    private List<OutputRow> outputs = List.of();
    private List<StepRun> steps = List.of();

    public void load() {
        if (run == null) {
            refresh();
        }
    }

    /** Reloads the run and appends what its logs gained since the last look. */
    public void refresh() {
        try {
            run = runs.find(id);
        } catch (RuntimeException e) {
            problem = Messages.reason(e);
            return;
        }
        if (run.runsAsWorkflow()) {
            steps = runs.steps(id);
        }
        stdoutOffset = append(stdout, LogStream.STDOUT, stdoutOffset);
        stderrOffset = append(stderr, LogStream.STDERR, stderrOffset);
        if (run.getOutputs() != null && outputs.isEmpty()) {
            String contextPath = FacesContext.getCurrentInstance().getExternalContext().getRequestContextPath();
            List<OutputRow> rows = new ArrayList<>();
            runs.outputs(id).forEach((name, value) -> collect(name, value, contextPath, rows));
            outputs = rows;
        }
    }

    private static void collect(String name, Object value, String contextPath, List<OutputRow> rows) {
        if (value instanceof Map<?, ?> file && "File".equals(file.get("class"))) {
            rows.add(new OutputRow(name, file, contextPath));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collect(name + "[" + i + "]", list.get(i), contextPath, rows);
            }
        }
    }

    private long append(StringBuilder log, LogStream stream, long offset) {
        try {
            LogChunk chunk = runs.logs(id, stream, offset, 64 * 1024);
            log.append(new String(chunk.data(), StandardCharsets.UTF_8));
            if (log.length() > MAX_LOG_CHARS) {
                log.delete(0, log.length() - MAX_LOG_CHARS);
            }
            return chunk.nextOffset();
        } catch (RuntimeException e) {
            return offset;
        }
    }

    public void cancel() {
        try {
            jobs.cancel(id);
            Messages.info("Canceling", "The run's task is being stopped.");
        } catch (RuntimeException e) {
            Messages.error("Not canceled", Messages.reason(e));
        }
        refresh();
    }

    public boolean isFound() {
        return run != null;
    }

    public boolean isEnded() {
        return run != null && run.getState().isTerminal();
    }

    public String getCommandLine() {
        return run == null ? "" : runs.commandLine(run).stream().map(RunBacking::quote).collect(Collectors.joining(" "));
    }

    /** Quotes an argument for display the way a POSIX shell would need it. */
    static String quote(String arg) {
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_./=:,@%+-]+")) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Run getRun() {
        return run;
    }

    public String getProblem() {
        return problem;
    }

    public String getStdout() {
        return stdout.toString();
    }

    public String getStderr() {
        return stderr.toString();
    }

    /** The step instances of a workflow run, in the order they were planned; empty for a tool's run. */
    public List<StepRun> getSteps() {
        return steps;
    }

    public List<OutputRow> getOutputs() {
        return outputs;
    }
}
