package io.cairn.cwl.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fast path for plain parameter references such as {@code inputs.x.y}, {@code inputs['a']},
 * {@code self[0]} or {@code inputs.list.length}: resolved in Java when every step exists, with the
 * value JavaScript would give. Anything else (a missing field, an index out of range, a property
 * of a string or array other than {@code length}) is left to the engine, so that the result,
 * {@code undefined} or a TypeError, is exactly JavaScript's.
 */
record ParameterPath(String root, List<Object> segments) {

    /** Returned by {@link #resolve} when the engine has to decide. */
    static final Object UNRESOLVED = new Object();

    /** The path the code denotes, or null when the code is anything more than a plain reference. */
    static ParameterPath parse(String code) {
        int n = code.length();
        int j = identifierEnd(code, 0);
        if (j == 0) {
            return null;
        }
        String root = code.substring(0, j);
        List<Object> segments = new ArrayList<>();
        while (j < n) {
            char c = code.charAt(j);
            if (c == '.') {
                int k = identifierEnd(code, j + 1);
                if (k == j + 1) {
                    return null;
                }
                segments.add(code.substring(j + 1, k));
                j = k;
            } else if (c == '[' && j + 1 < n && (code.charAt(j + 1) == '\'' || code.charAt(j + 1) == '"')) {
                char quote = code.charAt(j + 1);
                int k = j + 2;
                while (k < n && code.charAt(k) != quote) {
                    char ch = code.charAt(k);
                    if (ch == '\\' || ch == '\n' || ch == '\r') {
                        return null;
                    }
                    k++;
                }
                if (k + 1 >= n || code.charAt(k + 1) != ']') {
                    return null;
                }
                segments.add(code.substring(j + 2, k));
                j = k + 2;
            } else if (c == '[') {
                int k = j + 1;
                while (k < n && code.charAt(k) >= '0' && code.charAt(k) <= '9') {
                    k++;
                }
                if (k == j + 1 || k - j - 1 > 9 || k >= n || code.charAt(k) != ']'
                        || (k - j - 1 > 1 && code.charAt(j + 1) == '0')) {
                    return null;
                }
                segments.add(Integer.parseInt(code.substring(j + 1, k)));
                j = k + 1;
            } else {
                return null;
            }
        }
        return new ParameterPath(root, List.copyOf(segments));
    }

    /** ASCII identifiers only: anything fancier goes to the engine. */
    private static int identifierEnd(String s, int from) {
        int k = from;
        while (k < s.length()) {
            char c = s.charAt(k);
            boolean ok = c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (k > from && c >= '0' && c <= '9');
            if (!ok) {
                break;
            }
            k++;
        }
        return k;
    }

    /** The value the path reaches in the context, or {@link #UNRESOLVED}. */
    Object resolve(Map<String, ?> context) {
        if (!context.containsKey(root)) {
            return UNRESOLVED;
        }
        Object current = context.get(root);
        for (Object segment : segments) {
            if (current instanceof Map<?, ?> map) {
                String key = segment.toString();
                if (!map.containsKey(key)) {
                    return UNRESOLVED;
                }
                current = map.get(key);
            } else if (current instanceof List<?> list) {
                if (segment instanceof Integer i && i < list.size()) {
                    current = list.get(i);
                } else if ("length".equals(segment)) {
                    current = list.size();
                } else {
                    return UNRESOLVED;
                }
            } else if (current instanceof String s) {
                if (segment instanceof Integer i && i < s.length()) {
                    current = String.valueOf(s.charAt(i));
                } else if ("length".equals(segment)) {
                    current = s.length();
                } else {
                    return UNRESOLVED;
                }
            } else {
                return UNRESOLVED;
            }
        }
        return current;
    }
}
