package io.cairn.cwl.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON-like values on the Java side: normalisation of numbers (whole numbers as Integer or Long),
 * deep copies, and the text forms used when an expression's value is spliced into a string.
 */
final class JsonValues {

    /** Objects and arrays nested deeper than this are refused rather than risking a stack overflow. */
    static final int MAX_DEPTH = 500;

    private JsonValues() {
    }

    /**
     * A number as CWL sees it: whole values that fit in an int as Integer, in a long as Long,
     * others as Double; NaN and the infinities have no JSON form and become null.
     */
    static Object number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return null;
        }
        if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
            long l = (long) d;
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
            return l;
        }
        return d;
    }

    /** A normalised deep copy of a JSON-like value; throws for anything that is not JSON-like. */
    static Object copy(Object value, String where) {
        return copy(value, where, 0, new IdentityHashMap<>());
    }

    private static Object copy(Object value, String where, int depth, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || value instanceof String || value instanceof Boolean
                || value instanceof Integer || value instanceof Long) {
            return value;
        }
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof BigInteger bi) {
            return bi.bitLength() < 64 ? number(bi.longValue()) : bi.doubleValue();
        }
        if (value instanceof Number n) {
            return number(n.doubleValue());
        }
        if (value instanceof Character ch) {
            return ch.toString();
        }
        if (depth > MAX_DEPTH) {
            throw new ExpressionException(where + " is nested more than " + MAX_DEPTH + " levels deep", null);
        }
        if (value instanceof Map<?, ?> map) {
            enter(value, where, seen);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), copy(e.getValue(), where, depth + 1, seen));
            }
            seen.remove(value);
            return out;
        }
        if (value instanceof List<?> list) {
            enter(value, where, seen);
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(copy(item, where, depth + 1, seen));
            }
            seen.remove(value);
            return out;
        }
        throw new ExpressionException(where + " holds a " + value.getClass().getSimpleName()
                + ", which is not a JSON value (allowed: object, array, string, number, boolean, null)", null);
    }

    private static void enter(Object value, String where, IdentityHashMap<Object, Boolean> seen) {
        if (seen.put(value, Boolean.TRUE) != null) {
            throw new ExpressionException(where + " contains itself (a cycle), which JSON cannot hold", null);
        }
    }

    /**
     * Text of a value spliced into a string: strings as they are, numbers in plain decimal,
     * booleans and null as words, objects and arrays as JSON with sorted keys (as the CWL
     * reference runner prints them).
     */
    static String toText(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Number n) {
            BigDecimal bd = new BigDecimal(Double.toString(n.doubleValue())).stripTrailingZeros();
            return bd.signum() == 0 ? "0" : bd.toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value);
        return sb.toString();
    }

    static String toJson(Object value) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value);
        return sb.toString();
    }

    private static void writeJson(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String s) {
            quote(sb, s);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            sb.append(value);
        } else if (value instanceof Number n) {
            sb.append(jsonNumber(n.doubleValue()));
        } else if (value instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            sb.append('{');
            String sep = "";
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                sb.append(sep);
                sep = ", ";
                quote(sb, e.getKey());
                sb.append(": ");
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof List<?> l) {
            sb.append('[');
            String sep = "";
            for (Object item : l) {
                sb.append(sep);
                sep = ", ";
                writeJson(sb, item);
            }
            sb.append(']');
        } else {
            quote(sb, value.toString());
        }
    }

    /** Shortest round-trip form; exponent only below 1e-4 or from 1e16 on ({@code 2.5}, {@code 1e-05}). */
    private static String jsonNumber(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == 0) {
            return "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - bd.scale();
        String sign = bd.signum() < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
