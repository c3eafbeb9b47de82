package dev.triad.schemas.mapping;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared datasets: system property {@code triad.shared.dir} (set by the parent POM's
 * surefire configuration), else {@code ../../shared} from the module directory.
 */
final class Datasets {

    private Datasets() {}

    static Path path(String relative) {
        String configured = System.getProperty("triad.shared.dir");
        Path shared =
                configured != null && Files.isDirectory(Path.of(configured))
                        ? Path.of(configured)
                        : Path.of("../../shared");
        Path file = shared.resolve("datasets").resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(
                    "Dataset "
                            + file
                            + " not found; set -Dtriad.shared.dir to the folder that holds"
                            + " datasets/ (the shared/ folder beside the repository).");
        }
        return file;
    }
}
