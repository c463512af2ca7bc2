package io.cairn.portal;

import io.cairn.runs.boundary.Runs;
import io.cairn.runs.entity.Run;
import io.cairn.runs.entity.RunState;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/** The runs page: every run, newest first, loaded a page at a time, filtered by state and tool. */
@Named
@ViewScoped
public class RunsBacking implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    Runs runs;

    private String state;
    private String tool;

    private final LazyDataModel<Run> model = new LazyDataModel<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            return (int) runs.list(selectedState(), tool, 0, 1).total();
        }

        @Override
        public List<Run> load(int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
            Runs.Page page = runs.list(selectedState(), tool, first / pageSize, pageSize);
            setRowCount((int) page.total());
            return page.items();
        }

        @Override
        public String getRowKey(Run run) {
            return run.getId();
        }

        @Override
        public Run getRowData(String key) {
            return runs.find(key);
        }
    };

    private RunState selectedState() {
        return state == null || state.isBlank() ? null : RunState.valueOf(state);
    }

    public LazyDataModel<Run> getModel() {
        return model;
    }

    public RunState[] getStates() {
        return RunState.values();
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public String getTool() {
        return tool;
    }

    public void setTool(String tool) {
        this.tool = tool == null || tool.isBlank() ? null : tool.trim();
    }
}
