package io.cairn.cwl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Conversions of CWL values (plain Java objects) to text, and File object helpers. */
final class CwlValues {

    private CwlValues() {
    }

    /** Text of a value on a command line or in an interpolated string. */
    static String toText(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number n) {
            return formatNumber(n);
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return toJson(value);
    }

    /**
     * A number as CWL tools expect it on a command line: integers without a fraction, other
     * numbers in plain decimal notation (never scientific), without trailing zeros.
     */
    static String formatNumber(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger) {
            return n.toString();
        }
        BigDecimal bd = exactDecimal(n);
        if (bd == null) {
            return n.toString();
        }
        if (bd.signum() == 0) {
            return "0";
        }
        return bd.stripTrailingZeros().toPlainString();
    }

    /** The decimal a number denotes (shortest form for doubles), or null for NaN/infinity. */
    static BigDecimal exactDecimal(Number n) {
        if (n instanceof BigDecimal bd) {
            return bd;
        }
        if (n instanceof BigInteger bi) {
            return new BigDecimal(bi);
        }
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return BigDecimal.valueOf(n.longValue());
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return null;
        }
        return n instanceof Float ? new BigDecimal(Float.toString(n.floatValue())) : new BigDecimal(Double.toString(d));
    }

    /** Compact JSON with sorted object keys (as CWL reference implementations print objects). */
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
        } else if (value instanceof Boolean b) {
            sb.append(b);
        } else if (value instanceof Number n) {
            sb.append(jsonNumber(n));
        } else if (value instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                sb.append(first ? "" : ", ");
                first = false;
                quote(sb, e.getKey());
                sb.append(": ");
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                writeJson(sb, l.get(i));
            }
            sb.append(']');
        } else {
            quote(sb, value.toString());
        }
    }

    /**
     * JSON number text. Integers print as integers; other numbers in the shortest round-trip
     * form, with an exponent only for very large or very small magnitudes ({@code 4.2},
     * {@code 5.0}, {@code 1e+42}, {@code 1.23e-05}).
     */
    static String jsonNumber(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger) {
            return n.toString();
        }
        BigDecimal bd = exactDecimal(n);
        if (bd == null) {
            return "null";
        }
        if (bd.signum() == 0) {
            return "0.0";
        }
        BigDecimal stripped = bd.stripTrailingZeros();
        String digits = stripped.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - stripped.scale();
        String sign = stripped.signum() < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = stripped.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
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

    static String abbreviate(String s) {
        String oneLine = s.replace("\n", "\\n");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }

    /** How a value looks, for messages: {@code string "abc"}, {@code int 5}, {@code array of 3 items}. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "string \"" + abbreviate(s) + "\"";
        }
        if (value instanceof Boolean b) {
            return "boolean " + b;
        }
        if (value instanceof Number n) {
            BigDecimal bd = exactDecimal(n);
            boolean integral = bd != null && (bd.signum() == 0 || bd.stripTrailingZeros().scale() <= 0);
            boolean integerType = !(n instanceof Double || n instanceof Float || n instanceof BigDecimal);
            return (integerType || integral && n instanceof BigDecimal ? "int " : "float ") + formatNumber(n);
        }
        if (value instanceof List<?> l) {
            return "array of " + l.size() + (l.size() == 1 ? " item" : " items");
        }
        if (value instanceof Map<?, ?> m) {
            Object cls = m.get("class");
            if ("File".equals(cls) || "Directory".equals(cls)) {
                return (String) cls;
            }
            return "object";
        }
        return value.getClass().getSimpleName();
    }

    /** CWL's limit for {@code loadContents}: files larger than this cannot be loaded. */
    static final int CONTENTS_LIMIT = 64 * 1024;

    /**
     * The text of a file for {@code loadContents}, decoded as UTF-8 (malformed bytes replaced).
     *
     * @throws CwlException INVALID when the file cannot be read or is larger than 64 KiB
     */
    static String loadContents(java.nio.file.Path file, String where) {
        try {
            long size = java.nio.file.Files.size(file);
            if (size > CONTENTS_LIMIT) {
                throw CwlException.invalid("loadContents: " + file.getFileName() + " has " + size
                        + " bytes, more than the 64 KiB (65536 bytes) CWL allows", where, null);
            }
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw CwlException.invalid("loadContents: cannot read " + file + ": " + e.getMessage(), where, null);
        }
    }

    static boolean isFile(Object value) {
        return value instanceof Map<?, ?> m && "File".equals(m.get("class"));
    }

    static boolean isDirectory(Object value) {
        return value instanceof Map<?, ?> m && "Directory".equals(m.get("class"));
    }

    /** A File or a Directory: something with a path on the command line. */
    static boolean isFileOrDirectory(Object value) {
        return isFile(value) || isDirectory(value);
    }

    /** Deep copy of a plain value (maps and lists copied, leaves shared). */
    static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(deepCopy(v)));
            return copy;
        }
        return value;
    }

    /** Last path component of a path or IRI (query and fragment removed). */
    static String basenameOf(String pathOrLocation) {
        String s = pathOrLocation;
        int cut = s.indexOf('?');
        if (cut >= 0 && s.contains("://")) {
            s = s.substring(0, cut);
        }
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int slash = s.lastIndexOf('/');
        return slash >= 0 ? s.substring(slash + 1) : s;
    }

    /**
     * Splits a basename into root and extension: the extension starts at the last dot, contains
     * one dot only, and leading dots do not count ({@code .cshrc} has no extension).
     */
    static String[] splitExtension(String basename) {
        int dot = basename.lastIndexOf('.');
        if (dot > 0) {
            for (int i = 0; i < dot; i++) {
                if (basename.charAt(i) != '.') {
                    return new String[] {basename.substring(0, dot), basename.substring(dot)};
                }
            }
        }
        return new String[] {basename, ""};
    }

    /**
     * Copy of a value in which every File with a {@code basename} (or a {@code location} to take
     * one from) has {@code nameroot} and {@code nameext}, which the runner derives from the
     * basename: what expressions of a workflow (valueFrom, when, ExpressionTools) see before any
     * tool stages the file.
     */
    static Object withNameParts(Object value) {
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(withNameParts(v)));
            return copy;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), withNameParts(v)));
            if ("File".equals(copy.get("class"))) {
                if (!(copy.get("basename") instanceof String) && copy.get("location") instanceof String loc
                        && !loc.isEmpty()) {
                    copy.put("basename", basenameOf(loc));
                }
                if (copy.get("basename") instanceof String basename) {
                    String[] parts = splitExtension(basename);
                    copy.putIfAbsent("nameroot", parts[0]);
                    copy.putIfAbsent("nameext", parts[1]);
                }
            }
            return copy;
        }
        return value;
    }

    /**
     * Copy of a value in which every File map has {@code basename}, {@code nameroot},
     * {@code nameext} and {@code dirname} (derived from {@code path} when missing). Problems,
     * such as a File without {@code path}, are added to {@code errors}.
     */
    static Object withFileFields(Object value, String where, List<String> errors) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), withFileFields(v, where + "." + k, errors)));
            if ("Directory".equals(copy.get("class"))) {
                Object path = copy.get("path");
                if (!(path instanceof String p) || p.isEmpty()) {
                    errors.add(where + ": Directory has no \"path\"; directories must be staged (and their path "
                            + "set) before the command line is built");
                    return copy;
                }
                if (!(copy.get("basename") instanceof String)) {
                    copy.put("basename", basenameOf(p));
                }
                if (!copy.containsKey("dirname")) {
                    int slash = p.lastIndexOf('/');
                    copy.put("dirname", slash > 0 ? p.substring(0, slash) : slash == 0 ? "/" : "");
                }
            }
            if ("File".equals(copy.get("class"))) {
                Object path = copy.get("path");
                if (!(path instanceof String p) || p.isEmpty()) {
                    errors.add(where + ": File has no \"path\"; files must be staged (and their path set) "
                            + "before the command line is built");
                    return copy;
                }
                if (!(copy.get("basename") instanceof String)) {
                    copy.put("basename", basenameOf(p));
                }
                String basename = (String) copy.get("basename");
                String[] parts = splitExtension(basename);
                copy.putIfAbsent("nameroot", parts[0]);
                copy.putIfAbsent("nameext", parts[1]);
                if (!copy.containsKey("dirname")) {
                    int slash = p.lastIndexOf('/');
                    copy.put("dirname", slash > 0 ? p.substring(0, slash) : slash == 0 ? "/" : "");
                }
            }
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                copy.add(withFileFields(l.get(i), where + "[" + i + "]", errors));
            }
            return copy;
        }
        return value;
    }
}
