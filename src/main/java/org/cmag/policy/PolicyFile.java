package org.cmag.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One agreement file being compiled: its name and the line of every field, so that every configuration error reads
 * {@code FILE:LINE: field a.b[2].c what}. Field paths use the notation of the errors: mapping keys joined by dots,
 * list items as {@code [index]}. A missing field is reported at the line of its nearest existing parent (or line 1).
 */
final class PolicyFile {
    private final String name;
    private final Map<String, Integer> lines;

    private PolicyFile(String name, Map<String, Integer> lines) {
        this.name = name;
        this.lines = lines;
    }

    /** The line map of the composed YAML document (null when the document is empty). */
    static PolicyFile of(String name, Node root) {
        Map<String, Integer> lines = new HashMap<>();
        if (root != null) {
            walk(root, "", lines);
        }
        return new PolicyFile(name, Map.copyOf(lines));
    }

    String name() {
        return name;
    }

    /** The 1-based line of {@code field}, or of its nearest existing parent, or 1. */
    int line(String field) {
        String f = field;
        while (!f.isEmpty()) {
            Integer line = lines.get(f);
            if (line != null) {
                return line;
            }
            int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
            f = cut < 0 ? "" : f.substring(0, cut);
        }
        return 1;
    }

    /** A configuration error about {@code field}: {@code FILE:LINE: field FIELD WHAT}. */
    GatewayException error(String field, String what) {
        return new GatewayException(ErrorCode.CONFIGURATION, name + ":" + line(field) + ": field " + field + " " + what);
    }

    /** A configuration error about the file as a whole at {@code line}: {@code FILE:LINE: WHAT}. */
    static GatewayException error(String name, int line, String what, Throwable cause) {
        return new GatewayException(ErrorCode.CONFIGURATION, name + ":" + line + ": " + what, null, cause);
    }

    private static void walk(Node node, String path, Map<String, Integer> lines) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode key)) {
                    continue;
                }
                String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                lines.putIfAbsent(child, lineOf(key));
                walk(t.getValueNode(), child, lines);
            }
        } else if (node instanceof SequenceNode s) {
            List<Node> items = s.getValue();
            for (int i = 0; i < items.size(); i++) {
                String child = path + "[" + i + "]";
                lines.putIfAbsent(child, lineOf(items.get(i)));
                walk(items.get(i), child, lines);
            }
        }
    }

    private static int lineOf(Node n) {
        return n.getStartMark().map(mark -> mark.getLine() + 1).orElse(1);
    }
}
