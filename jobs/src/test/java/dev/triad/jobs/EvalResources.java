package dev.triad.jobs;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The prepared results files under {@code src/test/resources/eval/}, shared by several tests. */
public final class EvalResources {

    private EvalResources() {}

    /** The path of {@code src/test/resources/eval/NAME} on the test classpath. */
    public static Path resource(String name) {
        try {
            return Path.of(EvalResources.class.getResource("/eval/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
