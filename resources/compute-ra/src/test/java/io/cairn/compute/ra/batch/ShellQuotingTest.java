package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each nasty string, quoted and read back by a real /bin/sh, must come back byte for byte. */
class ShellQuotingTest {

    static final List<String> NASTY = List.of("", "plain", "two words", "it's", "'", "''", "'\\''", "\"double\"",
            "$(touch /tmp/cairn-pwned)", "`touch /tmp/cairn-pwned`", "$HOME", "${HOME:-x}", "\\", "back\\slash\\",
            "line\nbreak", "\n", "trailing newline\n", "tab\there", "semi;colon && or || pipe | amp &",
            "glob * ? [a-z]", "~root", "-n", "--", "#comment", "!bang", "unicode: é ü 漢字 🧬", "\u00a0nbsp",
            "cr\rlf\r\n", "a'b\"c$d`e\\f\ng");

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28})
    void shellReadsBackTheExactString(int which) throws Exception {
        String text = NASTY.get(which);
        String printed = sh("printf '%s' " + ShellQuoting.quote(text));
        assertEquals(text, printed);
    }

    @Test
    void allStringsAsSeparateArguments() throws Exception {
        StringBuilder script = new StringBuilder("for a in");
        for (String text : NASTY) {
            script.append(' ').append(ShellQuoting.quote(text));
        }
        script.append("; do printf '%s\\0' \"$a\"; done");
        String printed = sh(script.toString());
        List<String> back = new ArrayList<>(List.of(printed.split("\0", -1)));
        back.remove(back.size() - 1);
        assertEquals(NASTY, back);
    }

    @Test
    void quotesAreTheOnlyCharacterRewritten() {
        assertEquals("'a b'", ShellQuoting.quote("a b"));
        assertEquals("'it'\\''s'", ShellQuoting.quote("it's"));
        assertEquals("''", ShellQuoting.quote(""));
        assertEquals("'$(x)\n`y`'", ShellQuoting.quote("$(x)\n`y`"));
    }

    @Test
    void nulIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ShellQuoting.quote("a\0b"));
    }

    static String sh(String script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertEquals(0, process.waitFor(), () -> new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }
}
