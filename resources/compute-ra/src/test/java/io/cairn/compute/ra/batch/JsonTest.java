package io.cairn.compute.ra.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsSlurmrestdStyleAnswers() {
        Object answer = Json.parse("{\n  \"meta\": {\"plugin\": {\"type\": \"openapi\\/v0.0.38\"}},\n"
                + "  \"errors\": [\n  ],\n  \"jobs\": [{\"job_id\": 3, \"exit_code\": 1792, \"job_state\": \"FAILED\","
                + " \"flag\": true, \"none\": null, \"ratio\": -1.25e1, \"name\": \"caf\\u00e9 \\\"x\\\"\\n\"}]\n}");
        assertEquals("openapi/v0.0.38", Json.string(Json.member(Json.member(answer, "meta"), "plugin"), "type"));
        assertEquals(List.of(), Json.list(answer, "errors"));
        Object job = Json.list(answer, "jobs").get(0);
        assertEquals(1792L, Json.number(job, "exit_code"));
        assertEquals("3", Json.string(job, "job_id"));
        assertEquals("FAILED", Json.string(job, "job_state"));
        assertEquals(Boolean.TRUE, Json.member(job, "flag"));
        assertNull(Json.member(job, "none"));
        assertEquals(new BigDecimal("-1.25e1"), Json.member(job, "ratio"));
        assertNull(Json.number(job, "ratio"));
        assertEquals("café \"x\"\n", Json.string(job, "name"));
    }

    @Test
    void writesAndReadsBackNastyStrings() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", String.join("|", ShellQuotingTest.NASTY) + "\u0001\u001f\u2028");
        body.put("n", 16);
        body.put("list", List.of(true, false, "x"));
        body.put("nothing", null);
        String text = Json.write(body);
        assertEquals(body, normalize(Json.parse(text)));
        assertEquals(body.get("script"), Json.string(Json.parse(text), "script"));
        assertEquals(16L, Json.number(Json.parse(text), "n"));
    }

    @Test
    void refusesBrokenJson() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"tab\there\""));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("<html>500</html>"));
    }

    private static Object normalize(Object parsed) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = new LinkedHashMap<>((Map<String, Object>) parsed);
        map.put("n", ((BigDecimal) map.get("n")).intValueExact());
        return map;
    }
}
