package io.cairn.runs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** InplaceUpdateRequirement: what a step changed in place replaces the old value in the run's values. */
class InplaceUpdatesTest {

    private static Map<String, Object> file(String location, String basename) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("class", "File");
        f.put("location", location);
        f.put("basename", basename);
        return f;
    }

    private static Map<String, Object> outputs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aFileUpdatedInPlaceIsSeenWhereverItsLocationIs() {
        // modify_file_content: step3 reads step1/out after step2 changed it
        Map<String, Object> step1 = outputs("out", file("/api/v1/files/1", "out.txt"));
        Map<String, Object> step2 = outputs("out", file("/api/v1/files/2", "out.txt"),
                InplaceUpdates.KEY, List.of(Map.of("old", file("/api/v1/files/1", "out.txt"),
                        "new", file("/api/v1/files/2", "out.txt"))));
        InplaceUpdates updates = new InplaceUpdates();
        updates.take(step1);
        assertTrue(updates.isEmpty());
        updates.take(step2);
        assertFalse(updates.isEmpty());
        assertFalse(step2.containsKey(InplaceUpdates.KEY), "the record is not an output");
        assertEquals(outputs("out", file("/api/v1/files/2", "out.txt")), updates.applyTo(step1));
        // a value that named it otherwise keeps its name; other files stay as they are
        Map<String, Object> inputs = outputs("renamed", file("/api/v1/files/1", "x.txt"),
                "other", file("/api/v1/files/3", "out.txt"), "n", 3L);
        assertEquals(outputs("renamed", file("/api/v1/files/2", "x.txt"),
                "other", file("/api/v1/files/3", "out.txt"), "n", 3L), updates.applyTo(inputs));
        assertEquals(file("/api/v1/files/1", "x.txt"), inputs.get("renamed"), "the original is not changed");
    }

    @Test
    void aDirectoryUpdatedInPlaceIsReplacedWhereverTheSameValueIs() {
        // modify_directory_content: the directory step1 made is listed with what step2 added
        Map<String, Object> empty = outputs("class", "Directory", "basename", "step1dir", "listing", List.of());
        Map<String, Object> filled = outputs("class", "Directory", "basename", "step1dir",
                "listing", List.of(file("/api/v1/files/9", "blurb")));
        InplaceUpdates updates = new InplaceUpdates();
        updates.take(outputs("out", filled, InplaceUpdates.KEY, List.of(Map.of("old", empty, "new", filled))));
        assertEquals(outputs("out", List.of(filled)), updates.applyTo(outputs("out", List.of(empty))));
        Map<String, Object> otherDir = outputs("class", "Directory", "basename", "elsewhere", "listing", List.of());
        assertEquals(outputs("out", otherDir), updates.applyTo(outputs("out", otherDir)));
    }

    @Test
    void updatesApplyInTheOrderTheStepsEnded() {
        InplaceUpdates updates = new InplaceUpdates();
        updates.take(outputs(InplaceUpdates.KEY, List.of(Map.of("old", file("/f/1", "a"), "new", file("/f/2", "a")))));
        updates.take(outputs(InplaceUpdates.KEY, List.of(Map.of("old", file("/f/2", "a"), "new", file("/f/3", "a")))));
        assertEquals(outputs("x", file("/f/3", "a"), "y", file("/f/3", "a")),
                updates.applyTo(outputs("x", file("/f/1", "a"), "y", file("/f/2", "a"))));
    }

    @Test
    void stagedPathsLeadBackToTheValuesTheJobGave() {
        // what ToolInvocation records as "old" for a writable entry: the job's value, not the staged copy
        Map<String, Object> inner = file("/api/v1/files/5", "a.txt");
        Map<String, Object> sec = file("/api/v1/files/6", "r.txt.idx");
        Map<String, Object> r = file("/api/v1/files/4", "r.txt");
        r.put("secondaryFiles", List.of(sec));
        Map<String, Object> dir = outputs("class", "Directory", "basename", "d", "listing", List.of(inner));
        Map<String, Object> job = outputs("r", r, "d", dir, "rec", outputs("f", List.of(file("/api/v1/files/7", "b"))));
        Map<String, Object> stagedR = new LinkedHashMap<>(file("/api/v1/files/4", "r.txt"));
        stagedR.put("path", "/run/inputs/0/r.txt");
        stagedR.put("secondaryFiles", List.of(outputs("class", "File", "path", "/run/inputs/0/r.txt.idx")));
        Map<String, Object> staged = outputs("r", stagedR,
                "d", outputs("class", "Directory", "path", "/run/inputs/1/d",
                        "listing", List.of(outputs("class", "File", "path", "/run/inputs/1/d/a.txt"))),
                "rec", outputs("f", List.of(outputs("class", "File", "path", "/run/inputs/2/b"))));
        Map<String, Object> origins = new LinkedHashMap<>();
        ToolInvocation.origins(job, staged, origins);
        assertEquals(r, origins.get("/run/inputs/0/r.txt"));
        assertEquals(sec, origins.get("/run/inputs/0/r.txt.idx"));
        assertEquals(dir, origins.get("/run/inputs/1/d"));
        assertEquals(inner, origins.get("/run/inputs/1/d/a.txt"));
        assertEquals(file("/api/v1/files/7", "b"), origins.get("/run/inputs/2/b"));
        assertEquals(5, origins.size());
    }
}
