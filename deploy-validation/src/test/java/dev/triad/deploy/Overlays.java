package dev.triad.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rendered overlays, rendered once per test JVM (kustomize takes a second or so each). */
final class Overlays {

    private static final Map<Path, List<Manifest>> RENDERED = new LinkedHashMap<>();

    private Overlays() {}

    /** Every overlay under {@code overlaysDir} by name, rendered with the pinned kustomize. */
    static synchronized Map<String, List<Manifest>> rendered(Path overlaysDir) {
        Map<String, List<Manifest>> out = new LinkedHashMap<>();
        for (Path overlay : Kustomize.overlays(overlaysDir)) {
            String name = Kustomize.name(overlaysDir, overlay);
            out.put(name, RENDERED.computeIfAbsent(overlay, o -> Kustomize.render(name, o)));
        }
        return out;
    }

    /** The real overlays, deploy/kubernetes/overlays/. */
    static Map<String, List<Manifest>> real() {
        return rendered(Repo.overlays());
    }

    /** The test's own fixture overlays. */
    static Map<String, List<Manifest>> fixtures() {
        return rendered(Repo.fixtures().resolve("overlays"));
    }

    /** Copies, for a test to mutate. */
    static List<Manifest> copy(List<Manifest> overlay) {
        return overlay.stream().map(Manifest::copy).toList();
    }
}
