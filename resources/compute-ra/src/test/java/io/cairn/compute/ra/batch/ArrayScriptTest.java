package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job array script runs, in a real /bin/sh, exactly the script of its index and nothing else. */
class ArrayScriptTest {

    private static final List<String> SCRIPTS = List.of(
            "#!/bin/sh\n# first\nprintf '%s\\n' zero\n",
            "#!/bin/sh\nprintf '%s\\n' 'it'\\''s $(not run) `nor this` \"quoted\"'\nexit 3\n",
            "#!/bin/sh\nx='line one\nline two'\nprintf '%s\\n' \"$x\"; exit 0\n");

    @Test
    void eachIndexRunsItsOwnScript() throws Exception {
        String array = ArrayScript.render("SLURM_ARRAY_TASK_ID", SCRIPTS);
        assertEquals(new Run(0, "zero\n"), run(array, "0"));
        assertEquals(new Run(3, "it's $(not run) `nor this` \"quoted\"\n"), run(array, "1"));
        assertEquals(new Run(0, "line one\nline two\n"), run(array, "2"));
    }

    @Test
    void anIndexWithoutATaskFailsWithTheSetupCode() throws Exception {
        String array = ArrayScript.render("SLURM_ARRAY_TASK_ID", SCRIPTS);
        assertEquals(new Run(JobScript.SETUP_FAILED, ""), run(array, "3"));
        assertEquals(new Run(JobScript.SETUP_FAILED, ""), run(array, "1;touch /tmp/x"));
        assertEquals(new Run(JobScript.SETUP_FAILED, ""), run(array, null));
    }

    @Test
    void refusesABadVariableAndAnEmptyArray() {
        assertThrows(IllegalArgumentException.class, () -> ArrayScript.render("X; rm", SCRIPTS));
        assertThrows(IllegalArgumentException.class, () -> ArrayScript.render("SLURM_ARRAY_TASK_ID", List.of()));
    }

    @Test
    void theScriptsAppearOnlyAsSingleQuotedWords() {
        String array = ArrayScript.render("SLURM_ARRAY_TASK_ID", SCRIPTS);
        assertTrue(array.contains("0) exec /bin/sh -c " + ShellQuoting.quote(SCRIPTS.get(0)) + " ;;\n"), array);
    }

    record Run(int exit, String stdout) {
    }

    private static Run run(String script, String index) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script);
        builder.environment().remove("SLURM_ARRAY_TASK_ID");
        if (index != null) {
            builder.environment().put("SLURM_ARRAY_TASK_ID", index);
        }
        Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), out);
    }
}
