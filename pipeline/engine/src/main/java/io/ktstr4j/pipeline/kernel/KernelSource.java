package io.ktstr4j.pipeline.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Where a cached kernel's source came from: the {@code source} of ktstr's {@code metadata.json}. ktstr serialises it
 * internally tagged, every payload field present (null when unknown): {@code {"type": "tarball"}},
 * {@code {"type": "git", "git_hash": …, "ref": …}},
 * {@code {"type": "local", "source_tree_path": …, "git_hash": …}}.
 */
public sealed interface KernelSource {

    /** A release tarball (kernel.org's, or Debian's linux-source). */
    record Tarball() implements KernelSource {
    }

    /**
     * A shallow clone of a git URL at a ref.
     *
     * @param gitHash the commit built (7 hex), or null
     * @param ref     the branch, tag or commit asked for, or null
     */
    record GitClone(String gitHash, String ref) implements KernelSource {
    }

    /**
     * A kernel source tree on this machine (or an already built kernel imported from a folder).
     *
     * @param sourceTreePath the folder, or null
     * @param gitHash        its HEAD (7 hex) when it was a clean git work tree, else null
     */
    record Local(Path sourceTreePath, String gitHash) implements KernelSource {
    }

    /** {@code tarball}, {@code git} or {@code local}: ktstr's tag. */
    default String type() {
        if (this instanceof GitClone) {
            return "git";
        }
        return this instanceof Local ? "local" : "tarball";
    }

    /** One short phrase for listings: {@code git v6.14 abc1234}, {@code local /src/linux}. */
    default String describe() {
        StringBuilder sb = new StringBuilder(type());
        if (this instanceof GitClone g) {
            append(sb, g.ref());
            append(sb, g.gitHash());
        } else if (this instanceof Local l) {
            append(sb, l.sourceTreePath() == null ? null : l.sourceTreePath().toString());
            append(sb, l.gitHash());
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String s) {
        if (s != null) {
            sb.append(' ').append(s);
        }
    }

    /** ktstr's exact form: the tag first, then every payload field of the variant, nulls included. */
    default ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", type());
        if (this instanceof GitClone g) {
            o.put("git_hash", g.gitHash());
            o.put("ref", g.ref());
        } else if (this instanceof Local l) {
            o.put("source_tree_path", l.sourceTreePath() == null ? null : l.sourceTreePath().toString());
            o.put("git_hash", l.gitHash());
        }
        return o;
    }

    /**
     * Reads {@code source} leniently: internally tagged (what ktstr writes), externally tagged ({@code {"Git": {…}}})
     * or a bare variant name ({@code "Tarball"}); unknown fields are ignored. Null when absent or of an unknown type.
     */
    static KernelSource fromJson(JsonNode n) {
        String type;
        JsonNode payload = n;
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        } else if (n.isTextual()) {
            type = n.asText();
        } else if (n.isObject() && n.has("type")) {
            type = n.path("type").asText();
        } else if (n.isObject() && n.size() == 1) {
            Iterator<Map.Entry<String, JsonNode>> only = n.fields();
            Map.Entry<String, JsonNode> e = only.next();
            type = e.getKey();
            payload = e.getValue();
        } else {
            return null;
        }
        String hash = text(payload.path("git_hash"));
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "tarball" -> new Tarball();
            case "git" -> new GitClone(hash, text(payload.path("ref")));
            case "local" -> {
                String tree = text(payload.path("source_tree_path"));
                yield new Local(tree == null ? null : Path.of(tree), hash);
            }
            default -> null;
        };
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? n.asText().strip() : null;
    }
}
