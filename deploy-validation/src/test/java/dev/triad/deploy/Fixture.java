package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The good fixture overlay, rendered, as copies to break; and small edits by JSON pointer. */
final class Fixture {

    private Fixture() {}

    /** A fresh copy of the rendered good fixture. */
    static List<Manifest> good() {
        return Overlays.copy(Overlays.fixtures().get("good"));
    }

    static List<Manifest> bad() {
        return Overlays.copy(Overlays.fixtures().get("bad"));
    }

    static Manifest get(List<Manifest> objects, String kind) {
        return objects.stream()
                .filter(m -> m.kind().equals(kind))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in the fixture"));
    }

    /** Renames the field at {@code pointer} (keeping its value). */
    static void rename(Manifest m, String pointer, String newName) {
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) m.body().at(pointer.substring(0, slash));
        String old = pointer.substring(slash + 1);
        JsonNode value = parent.remove(old);
        if (value == null) {
            throw new AssertionError("nothing at " + pointer);
        }
        parent.set(newName, value);
    }

    /** Sets the field at {@code pointer} to a JSON value. */
    static void set(Manifest m, String pointer, Object value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = m.body().at(pointer.substring(0, slash));
        String name = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        JsonNode node = Kustomize.YAML.valueToTree(value);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(name), node);
        } else if (parent instanceof ObjectNode object) {
            object.set(name, node);
        } else {
            throw new AssertionError("no object at " + pointer.substring(0, slash));
        }
    }

    static void remove(Manifest m, String pointer) {
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) m.body().at(pointer.substring(0, slash)))
                .remove(pointer.substring(slash + 1));
    }

    /** The findings as strings. */
    static List<String> strings(List<Finding> findings) {
        return findings.stream().map(Finding::toString).toList();
    }
}
