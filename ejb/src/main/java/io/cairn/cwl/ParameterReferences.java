package io.cairn.cwl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * CWL parameter references without JavaScript: {@code $(root.segment...)} where the root is
 * {@code inputs}, {@code self} or {@code runtime} and each segment is {@code .name},
 * {@code ['name']}, {@code ["name"]} or {@code [index]}; a final {@code .length} on an array
 * yields its size. Anything else inside {@code $(...)}, and any {@code ${...}}, is JavaScript and
 * is reported as UNSUPPORTED.
 *
 * <p>String interpolation: a string that is one reference (whitespace around it aside) evaluates
 * to the referenced value itself; otherwise each reference is replaced by its text (numbers in
 * plain decimal, {@code null} as {@code null}, objects and arrays as JSON). In strings containing
 * {@code $(} or {@code ${}, {@code \$(} and <code>\${</code> stand for the literal characters and
 * {@code \\} for one backslash; other strings are taken literally.
 */
public final class ParameterReferences {

    private ParameterReferences() {
    }

    /** One {@code $(...)} reference: its source text, root symbol and segments (String keys, Integer indexes). */
    record Reference(String source, String root, List<Object> segments) {
    }

    /** A string split into literal text (String) and {@link Reference} parts. */
    record Template(String source, List<Object> parts) {

        /** The only reference when the string is exactly one reference (whitespace aside), else null. */
        Reference whole() {
            Reference found = null;
            for (Object part : parts) {
                if (part instanceof Reference r) {
                    if (found != null) {
                        return null;
                    }
                    found = r;
                } else if (!((String) part).isBlank()) {
                    return null;
                }
            }
            return found;
        }

        List<Reference> references() {
            List<Reference> refs = new ArrayList<>();
            for (Object part : parts) {
                if (part instanceof Reference r) {
                    refs.add(r);
                }
            }
            return refs;
        }
    }

    /** True when the text contains an (unescaped or escaped) {@code $(} or <code>${</code>. */
    public static boolean mayContainReferences(String text) {
        return text != null && (text.contains("$(") || text.contains("${"));
    }

    /**
     * Evaluates a string against a context holding {@code inputs}, {@code self} and {@code runtime}.
     *
     * @return the referenced value for a whole-string reference, otherwise the interpolated String
     * @throws CwlException UNSUPPORTED for JavaScript, INVALID when a reference cannot be resolved
     */
    public static Object evaluate(String text, Map<String, ?> context) {
        return evaluate(text, context, null, null);
    }

    static Object evaluate(String text, Map<String, ?> context, String path, Integer line) {
        Template template = parse(text, path, line);
        Reference whole = template.whole();
        if (whole != null) {
            return resolve(whole, context, path, line);
        }
        StringBuilder sb = new StringBuilder();
        for (Object part : template.parts()) {
            if (part instanceof Reference r) {
                sb.append(CwlValues.toText(resolve(r, context, path, line)));
            } else {
                sb.append((String) part);
            }
        }
        return sb.toString();
    }

    /** Splits a string into literal parts and references; UNSUPPORTED for anything that needs JavaScript. */
    static Template parse(String text, String path, Integer line) {
        if (!mayContainReferences(text)) {
            return new Template(text, List.of(text));
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n) {
                if (text.startsWith("$(", i + 1) || text.startsWith("${", i + 1)) {
                    literal.append(text, i + 1, i + 3);
                    i += 3;
                } else if (text.charAt(i + 1) == '\\') {
                    literal.append('\\');
                    i += 2;
                } else {
                    literal.append(c);
                    i++;
                }
                continue;
            }
            if (c == '$' && i + 1 < n && text.charAt(i + 1) == '{') {
                throw CwlException.unsupported("JavaScript code " + quoteExpression(text, i)
                        + " is not supported: Cairn evaluates parameter references such as $(inputs.name) "
                        + "without JavaScript; to write a literal '${' use '\\${'", path, line);
            }
            if (c == '$' && i + 1 < n && text.charAt(i + 1) == '(') {
                int[] end = new int[1];
                Reference ref = parseReference(text, i, end);
                if (ref == null) {
                    throw CwlException.unsupported("JavaScript expression " + quoteExpression(text, i)
                            + " is not supported; only parameter references are, such as $(inputs.name), "
                            + "$(inputs.file.path), $(inputs['name']), $(inputs.list[0]), $(inputs.list.length), "
                            + "$(runtime.outdir) or $(self); to write a literal '$(' use '\\$('", path, line);
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(ref);
                i = end[0];
                continue;
            }
            literal.append(c);
            i++;
        }
        if (literal.length() > 0 || parts.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Template(text, Collections.unmodifiableList(parts));
    }

    /** Parses {@code $(...)} at {@code start}; null when it does not follow the reference grammar. */
    private static Reference parseReference(String text, int start, int[] end) {
        int n = text.length();
        int j = start + 2;
        int symbolEnd = symbolEnd(text, j);
        if (symbolEnd == j) {
            return null;
        }
        String root = text.substring(j, symbolEnd);
        j = symbolEnd;
        List<Object> segments = new ArrayList<>();
        while (j < n) {
            char c = text.charAt(j);
            if (c == ')') {
                end[0] = j + 1;
                return new Reference(text.substring(start, j + 1), root, Collections.unmodifiableList(segments));
            }
            if (c == '.') {
                int k = symbolEnd(text, j + 1);
                if (k == j + 1) {
                    return null;
                }
                segments.add(text.substring(j + 1, k));
                j = k;
            } else if (c == '[' && j + 1 < n && (text.charAt(j + 1) == '\'' || text.charAt(j + 1) == '"')) {
                char quote = text.charAt(j + 1);
                StringBuilder key = new StringBuilder();
                int k = j + 2;
                while (k < n && text.charAt(k) != quote) {
                    if (text.charAt(k) == '\\' && k + 1 < n) {
                        k++;
                    }
                    key.append(text.charAt(k));
                    k++;
                }
                if (k + 1 >= n || text.charAt(k + 1) != ']') {
                    return null;
                }
                segments.add(key.toString());
                j = k + 2;
            } else if (c == '[') {
                int k = j + 1;
                while (k < n && text.charAt(k) >= '0' && text.charAt(k) <= '9') {
                    k++;
                }
                if (k == j + 1 || k >= n || text.charAt(k) != ']' || k - j - 1 > 9) {
                    return null;
                }
                segments.add(Integer.parseInt(text.substring(j + 1, k)));
                j = k + 1;
            } else {
                return null;
            }
        }
        return null;
    }

    private static int symbolEnd(String text, int from) {
        int k = from;
        while (k < text.length()) {
            int cp = text.codePointAt(k);
            if (!Character.isLetterOrDigit(cp) && cp != '_') {
                break;
            }
            k += Character.charCount(cp);
        }
        return k;
    }

    /** The {@code $(...)} or <code>${...}</code> starting at {@code start}, up to its balanced end. */
    private static String quoteExpression(String text, int start) {
        char open = text.charAt(start + 1);
        char close = open == '(' ? ')' : '}';
        int depth = 0;
        char inQuote = 0;
        for (int k = start + 1; k < text.length(); k++) {
            char c = text.charAt(k);
            if (inQuote != 0) {
                if (c == '\\') {
                    k++;
                } else if (c == inQuote) {
                    inQuote = 0;
                }
            } else if (c == '\'' || c == '"') {
                inQuote = c;
            } else if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return CwlValues.abbreviate(text.substring(start, k + 1));
            }
        }
        return CwlValues.abbreviate(text.substring(start));
    }

    static String segmentText(Object segment) {
        if (segment instanceof Integer idx) {
            return "[" + idx + "]";
        }
        String key = (String) segment;
        if (!key.isEmpty() && symbolEnd(key, 0) == key.length()) {
            return "." + key;
        }
        return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    private static Object resolve(Reference ref, Map<String, ?> context, String path, Integer line) {
        String root = ref.root();
        List<Object> segments = ref.segments();
        if (!context.containsKey(root)) {
            if ("null".equals(root) && segments.isEmpty()) {
                return null;
            }
            if ("null".equals(root)) {
                throw CwlException.invalid("cannot evaluate " + ref.source() + ": null has no fields", path, line);
            }
            throw CwlException.invalid("cannot evaluate " + ref.source() + ": unknown name '" + root
                    + "'; available: " + String.join(", ", context.keySet()), path, line);
        }
        Object current = context.get(root);
        StringBuilder where = new StringBuilder(root);
        for (int i = 0; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            String problem = null;
            if (segment instanceof Integer index) {
                if (current instanceof List<?> list) {
                    if (index < list.size()) {
                        current = list.get(index);
                    } else {
                        problem = "index " + index + " is out of range: " + where + " has " + list.size()
                                + (list.size() == 1 ? " item" : " items");
                    }
                } else if (current instanceof String s) {
                    if (index < s.length()) {
                        current = String.valueOf(s.charAt(index));
                    } else {
                        problem = "index " + index + " is out of range: " + where + " has " + s.length()
                                + " characters";
                    }
                } else {
                    problem = where + " is " + CwlValues.describe(current) + ", not an array; cannot take ["
                            + index + "]";
                }
            } else {
                String key = (String) segment;
                if (current instanceof Map<?, ?> map) {
                    if (map.containsKey(key)) {
                        current = map.get(key);
                    } else {
                        problem = where + " has no field '" + key + "'";
                    }
                } else if (current instanceof List<?> list && "length".equals(key) && last) {
                    current = (long) list.size();
                } else if (current == null) {
                    problem = where + " is null; cannot read '" + key + "'";
                } else if (current instanceof List<?>) {
                    problem = where + " is an array; an array has [index] and a final .length, not '" + key + "'";
                } else {
                    problem = where + " is " + CwlValues.describe(current) + ", which has no field '" + key + "'";
                }
            }
            if (problem != null) {
                throw CwlException.invalid("cannot evaluate " + ref.source() + ": " + problem, path, line);
            }
            where.append(segmentText(segment));
        }
        return current;
    }
}
