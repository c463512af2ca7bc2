package io.cairn.cwl;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML/JSON value together with the 1-based line it came from. Built from SnakeYAML's node
 * graph; plain scalars are resolved with the YAML 1.2 core schema (as CWL tooling does), so
 * {@code yes}, {@code on} or {@code 0777} stay strings and {@code 1e5} is a number.
 */
final class YamlNode {

    enum Shape { MAP, LIST, SCALAR }

    private static final int MAX_DEPTH = 200;
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");

    private final Shape shape;
    private final int line;
    private final Map<String, YamlNode> entries;
    private final List<YamlNode> items;
    private final Object value;
    private final String text;

    private YamlNode(Shape shape, int line, Map<String, YamlNode> entries, List<YamlNode> items, Object value,
                     String text) {
        this.shape = shape;
        this.line = line;
        this.entries = entries;
        this.items = items;
        this.value = value;
        this.text = text;
    }

    /** Parses one YAML or JSON document; MALFORMED with the line on syntax errors. */
    static YamlNode parse(String source) {
        if (source == null || source.isBlank()) {
            throw CwlException.malformed("the document is empty; expected a YAML or JSON object", null, null);
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(source));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw CwlException.malformed("not valid YAML/JSON: " + context + oneLine(problem), null,
                    mark == null ? null : mark.getLine() + 1);
        } catch (YAMLException e) {
            throw CwlException.malformed("not valid YAML/JSON: " + oneLine(e.getMessage()), null, null);
        }
        if (root == null) {
            throw CwlException.malformed("the document is empty; expected a YAML or JSON object", null, null);
        }
        return convert(root, root.getStartMark().getLine() + 1, 0, new IdentityHashMap<>());
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    private static YamlNode convert(Node node, int line, int depth, IdentityHashMap<Node, Boolean> active) {
        if (depth > MAX_DEPTH || active.containsKey(node)) {
            throw CwlException.malformed("the document nests too deeply or refers to itself through an alias",
                    null, line);
        }
        active.put(node, Boolean.TRUE);
        try {
            if (node instanceof MappingNode map) {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                for (NodeTuple tuple : map.getValue()) {
                    Node keyNode = tuple.getKeyNode();
                    int keyLine = keyNode.getStartMark().getLine() + 1;
                    if (!(keyNode instanceof ScalarNode key)) {
                        throw CwlException.malformed("a mapping key must be a plain string, not a list or mapping",
                                null, keyLine);
                    }
                    if (entries.containsKey(key.getValue())) {
                        throw CwlException.malformed("duplicate key '" + key.getValue() + "'", null, keyLine);
                    }
                    entries.put(key.getValue(), convert(tuple.getValueNode(), keyLine, depth + 1, active));
                }
                return new YamlNode(Shape.MAP, line, Collections.unmodifiableMap(entries), null, null, null);
            }
            if (node instanceof SequenceNode seq) {
                List<YamlNode> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    items.add(convert(item, item.getStartMark().getLine() + 1, depth + 1, active));
                }
                return new YamlNode(Shape.LIST, line, null, Collections.unmodifiableList(items), null, null);
            }
            ScalarNode scalar = (ScalarNode) node;
            String raw = scalar.getValue();
            Object value = scalar.isPlain() ? resolvePlain(raw) : raw;
            return new YamlNode(Shape.SCALAR, line, null, null, value, raw);
        } finally {
            active.remove(node);
        }
    }

    /** YAML 1.2 core schema resolution of a plain scalar. */
    static Object resolvePlain(String s) {
        switch (s) {
            case "", "~", "null", "Null", "NULL":
                return null;
            case "true", "True", "TRUE":
                return Boolean.TRUE;
            case "false", "False", "FALSE":
                return Boolean.FALSE;
            default:
                break;
        }
        if (INT.matcher(s).matches()) {
            return integer(new BigInteger(s.startsWith("+") ? s.substring(1) : s));
        }
        if (OCT.matcher(s).matches()) {
            return integer(new BigInteger(s.substring(2), 8));
        }
        if (HEX.matcher(s).matches()) {
            return integer(new BigInteger(s.substring(2), 16));
        }
        if (FLOAT.matcher(s).matches()) {
            return Double.parseDouble(s);
        }
        if (INF.matcher(s).matches()) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (NAN.matcher(s).matches()) {
            return Double.NaN;
        }
        return s;
    }

    private static Object integer(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : (Object) value;
    }

    Shape shape() {
        return shape;
    }

    boolean isMap() {
        return shape == Shape.MAP;
    }

    boolean isList() {
        return shape == Shape.LIST;
    }

    boolean isScalar() {
        return shape == Shape.SCALAR;
    }

    /** For a mapping value: the line of its key; otherwise the line where the node starts. */
    int line() {
        return line;
    }

    Map<String, YamlNode> entries() {
        return entries;
    }

    YamlNode get(String key) {
        return entries == null ? null : entries.get(key);
    }

    boolean has(String key) {
        return entries != null && entries.containsKey(key);
    }

    List<YamlNode> items() {
        return items;
    }

    /** Resolved scalar value: String, Long, Double, Boolean or null. */
    Object value() {
        return value;
    }

    /** The scalar exactly as written (null for collections). */
    String text() {
        return text;
    }

    boolean isNull() {
        return shape == Shape.SCALAR && value == null;
    }

    boolean isString() {
        return shape == Shape.SCALAR && value instanceof String;
    }

    /** A string scalar made by Cairn itself (not read from a document), on the given line. */
    static YamlNode string(String value, int line) {
        return new YamlNode(Shape.SCALAR, line, null, null, value, value);
    }

    /** A list made by Cairn itself from other nodes. */
    static YamlNode list(List<YamlNode> items, int line) {
        return new YamlNode(Shape.LIST, line, null, List.copyOf(items), null, null);
    }

    /** This mapping with one entry added or replaced; this node is left as it is. */
    YamlNode with(String key, YamlNode value) {
        if (shape != Shape.MAP) {
            throw new IllegalStateException("not a mapping");
        }
        Map<String, YamlNode> copy = new LinkedHashMap<>(entries);
        copy.put(key, value);
        return new YamlNode(Shape.MAP, line, Collections.unmodifiableMap(copy), null, null, null);
    }

    /** Plain Java form: LinkedHashMap, ArrayList, String, Long, Double, Boolean, null. */
    Object toPlain() {
        switch (shape) {
            case MAP: {
                Map<String, Object> map = new LinkedHashMap<>();
                entries.forEach((k, v) -> map.put(k, v.toPlain()));
                return map;
            }
            case LIST: {
                List<Object> list = new ArrayList<>();
                items.forEach(i -> list.add(i.toPlain()));
                return list;
            }
            default:
                return value;
        }
    }

    /** Short description of the node's shape for error messages, e.g. {@code a number (5)}. */
    String describe() {
        switch (shape) {
            case MAP:
                return "a mapping";
            case LIST:
                return "a list";
            default:
                if (value == null) {
                    return "null";
                }
                if (value instanceof String) {
                    return "the string '" + CwlValues.abbreviate((String) value) + "'";
                }
                if (value instanceof Boolean) {
                    return "the boolean " + value;
                }
                return "the number " + text;
        }
    }
}
