package io.cairn.platform;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between JSON and plain Java values (Map, List, String, Long, BigInteger beyond 64 bits,
 * Double, Boolean, null),
 * the form the CWL code works with. Key order is kept.
 */
public final class JsonValues {

    /**
     * Looked up once: each of {@code Json}'s static factories looks the provider up again through the service
     * loader, which in the server scans the application's class path, and that was most of the cost of staging a
     * workflow's step instance.
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private JsonValues() {
    }

    /** The JSON-P provider, looked up once; use it instead of {@code jakarta.json.Json}'s static factories. */
    public static JsonProvider provider() {
        return JSON;
    }

    /** Parses JSON text to plain Java values; malformed text gives a {@link Problem}. */
    public static Object parse(String text, String what) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            return toJava(reader.readValue());
        } catch (JsonParsingException e) {
            var location = e.getLocation();
            throw Problem.badRequest(what + " is not valid JSON"
                    + (location == null ? "" : " (line " + location.getLineNumber()
                    + ", column " + location.getColumnNumber() + ")") + ": " + e.getMessage());
        } catch (jakarta.json.JsonException e) {
            throw Problem.badRequest(what + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Converts a JSON-P value to plain Java values. */
    public static Object toJava(JsonValue value) {
        if (value == null) {
            return null;
        }
        switch (value.getValueType()) {
            case OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                ((JsonObject) value).forEach((k, v) -> map.put(k, toJava(v)));
                return map;
            case ARRAY:
                List<Object> list = new ArrayList<>();
                ((JsonArray) value).forEach(v -> list.add(toJava(v)));
                return list;
            case STRING:
                return ((JsonString) value).getString();
            case NUMBER:
                JsonNumber number = (JsonNumber) value;
                if (number.isIntegral()) {
                    BigDecimal decimal = number.bigDecimalValue();
                    try {
                        return decimal.longValueExact();
                    } catch (ArithmeticException tooLarge) {
                        return number.bigIntegerValue();
                    }
                }
                return number.doubleValue();
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /** Converts plain Java values (Maps, Collections, Strings, Numbers, Booleans, null) to JSON-P. */
    public static JsonValue toJson(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof JsonValue json) {
            return json;
        }
        if (value instanceof Map<?, ?> map) {
            JsonObjectBuilder builder = JSON.createObjectBuilder();
            map.forEach((k, v) -> builder.add(String.valueOf(k), toJson(v)));
            return builder.build();
        }
        if (value instanceof Iterable<?> items) {
            JsonArrayBuilder builder = JSON.createArrayBuilder();
            items.forEach(v -> builder.add(toJson(v)));
            return builder.build();
        }
        if (value instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return JSON.createValue(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return JSON.createValue(big);
        }
        if (value instanceof BigDecimal big) {
            return JSON.createValue(big);
        }
        if (value instanceof Number number) {
            return JSON.createValue(number.doubleValue());
        }
        return JSON.createValue(String.valueOf(value));
    }

    /** Writes plain Java values as compact JSON text. */
    public static String write(Object value) {
        return toJson(value).toString();
    }
}
