package io.cairn.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    @Test
    void convertsToPlainJavaValuesKeepingKeyOrderAndNumberKinds() {
        Object value = JsonValues.parse("{\"b\": 1, \"a\": [1.5, true, null, \"x\"], \"big\": 12345678901234}", "test");
        assertEquals(List.of("b", "a", "big"), List.copyOf(((Map<?, ?>) value).keySet()));
        assertEquals(1L, ((Map<?, ?>) value).get("b"));
        assertEquals(java.util.Arrays.asList(1.5, true, null, "x"), ((Map<?, ?>) value).get("a"));
        assertEquals(12345678901234L, ((Map<?, ?>) value).get("big"));
    }

    @Test
    void integersBeyond64BitsStayIntegers() {
        String json = "[1000000000000000000000000000000000000000000,4.2E+42]";
        List<?> value = (List<?>) JsonValues.parse(json, "test");
        assertEquals(new java.math.BigInteger("1000000000000000000000000000000000000000000"), value.get(0));
        assertEquals(4.2e42, value.get(1));
        assertEquals("[1000000000000000000000000000000000000000000]", JsonValues.write(value.subList(0, 1)));
    }

    @Test
    void writesWhatItReads() {
        String json = "{\"x\":[1,2.5,\"s\",false,null],\"y\":{\"z\":\"\\\"quoted\\\"\"}}";
        assertEquals(json, JsonValues.write(JsonValues.parse(json, "test")));
    }

    @Test
    void malformedJsonIsABadRequestWithItsPosition() {
        Problem problem = assertThrows(Problem.class, () -> JsonValues.parse("{\"a\": }", "the body"));
        assertEquals(Problem.Kind.BAD_REQUEST, problem.kind());
        assertTrue(problem.getMessage().startsWith("the body is not valid JSON (line 1"), problem.getMessage());
    }
}
