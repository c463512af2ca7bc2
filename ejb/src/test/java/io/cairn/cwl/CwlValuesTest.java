package io.cairn.cwl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CwlValuesTest {

    @Test
    void commandLineNumbers() {
        assertEquals("42", CwlValues.formatNumber(42L));
        assertEquals("42", CwlValues.formatNumber(42));
        assertEquals("5", CwlValues.formatNumber(5.0));
        assertEquals("4.2", CwlValues.formatNumber(4.2));
        assertEquals("-0.5", CwlValues.formatNumber(-0.5));
        assertEquals("0.00001", CwlValues.formatNumber(1e-5));
        assertEquals("1000000000000000000000000000000000000000000", CwlValues.formatNumber(1e42));
        assertEquals("0", CwlValues.formatNumber(0.0));
        assertEquals("12345678901234567890", CwlValues.formatNumber(new BigInteger("12345678901234567890")));
        assertEquals("2.5", CwlValues.formatNumber(new BigDecimal("2.50")));
    }

    @Test
    void jsonNumbersFollowTheShortestRoundTripForm() {
        assertEquals("4.2", CwlValues.jsonNumber(4.2));
        assertEquals("5.0", CwlValues.jsonNumber(5.0));
        assertEquals("1e+42", CwlValues.jsonNumber(1e42));
        assertEquals("1.23e-05", CwlValues.jsonNumber(1.23e-5));
        assertEquals("0.0001", CwlValues.jsonNumber(1e-4));
        assertEquals("-2.5e+20", CwlValues.jsonNumber(-2.5e20));
        assertEquals("4147483647", CwlValues.jsonNumber(4147483647L));
    }

    @Test
    void jsonSortsKeysAndEscapes() {
        List<Object> list = new ArrayList<>();
        list.add(null);
        list.add(true);
        assertEquals("{\"a\": [null, true], \"b\": \"q\\\"\\n\\u0001\"}",
                CwlValues.toJson(Map.of("b", "q\"\n\u0001", "a", list)));
    }

    @Test
    void nameRootAndExtension() {
        assertArrayEquals(new String[] {"a.tar", ".gz"}, CwlValues.splitExtension("a.tar.gz"));
        assertArrayEquals(new String[] {".cshrc", ""}, CwlValues.splitExtension(".cshrc"));
        assertArrayEquals(new String[] {"..a", ""}, CwlValues.splitExtension("..a"));
        assertArrayEquals(new String[] {".bash", ".rc"}, CwlValues.splitExtension(".bash.rc"));
        assertArrayEquals(new String[] {"noext", ""}, CwlValues.splitExtension("noext"));
        assertEquals("x.txt", CwlValues.basenameOf("file:///a/b/x.txt"));
        assertEquals("x.txt", CwlValues.basenameOf("x.txt"));
    }

    @Test
    void fileFieldsAreFilledWithoutTouchingTheOriginal() {
        Map<String, Object> original = Map.of("class", "File", "path", "/data/r.fq.gz");
        List<String> errors = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) CwlValues.withFileFields(original, "inputs.f", errors);
        assertEquals(List.of(), errors);
        assertEquals(Map.of("class", "File", "path", "/data/r.fq.gz", "basename", "r.fq.gz", "nameroot", "r.fq",
                "nameext", ".gz", "dirname", "/data"), f);
        assertEquals(2, original.size());
    }
}
