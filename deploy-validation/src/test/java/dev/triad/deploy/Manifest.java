package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One object of a rendered overlay: its overlay's name and its body as rendered. */
record Manifest(String overlay, ObjectNode body) {

    String apiVersion() {
        return body.path("apiVersion").asText("");
    }

    String kind() {
        return body.path("kind").asText("");
    }

    String name() {
        return body.path("metadata").path("name").asText("");
    }

    String namespace() {
        return body.path("metadata").path("namespace").asText("");
    }

    /** The API group, empty for the core group ({@code v1}). */
    String group() {
        String v = apiVersion();
        int slash = v.indexOf('/');
        return slash < 0 ? "" : v.substring(0, slash);
    }

    JsonNode at(String pointer) {
        return body.at(pointer);
    }

    /** A copy to mutate in a negative test. */
    Manifest copy() {
        return new Manifest(overlay, body.deepCopy());
    }

    @Override
    public String toString() {
        return overlay + " / " + kind() + " / " + name();
    }
}
