package dev.triad.deploy;

/**
 * One problem found in a rendered manifest: where ({@code overlay / kind / name}), the field's path
 * inside the object (a JSON pointer, empty for the whole object) and what is wrong.
 */
record Finding(String overlay, String kind, String name, String path, String message) {

    static Finding of(Manifest m, String path, String message) {
        return new Finding(m.overlay(), m.kind(), m.name(), path, message);
    }

    @Override
    public String toString() {
        return overlay + " / " + kind + " / " + name + ": " + path + ": " + message;
    }
}
