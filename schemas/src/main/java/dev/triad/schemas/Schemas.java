package dev.triad.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON Schema files (draft 2020-12) that are Triad's language-neutral contract for what goes
 * through files and Kafka, looked up by name on the classpath. Tests in any module validate the
 * records they produce against these, so the Java records and the files cannot drift apart.
 *
 * <pre>{@code
 * JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
 *         .getSchema(Schemas.text(Schemas.RESULT));
 * }</pre>
 */
public final class Schemas {

    /** The schema of {@link Question}: {@code schemas/question.schema.json}. */
    public static final String QUESTION = "question";

    /** The schema of {@link Result}: {@code schemas/result.schema.json}. */
    public static final String RESULT = "result";

    /** The schema of {@link DeadLetter}: {@code schemas/dead-letter.schema.json}. */
    public static final String DEAD_LETTER = "dead-letter";

    private static final List<String> NAMES = List.of(QUESTION, RESULT, DEAD_LETTER);

    private Schemas() {}

    /** Every schema name: {@code question}, {@code result}, {@code dead-letter}. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The classpath resource of a schema, e.g. {@code schemas/result.schema.json}.
     *
     * @throws IllegalArgumentException for a name that is not one of {@link #names()}
     */
    public static String resource(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "Unknown schema '"
                            + name
                            + "'; the schemas are "
                            + String.join(", ", NAMES)
                            + ". Use one of the constants of "
                            + Schemas.class.getName()
                            + ".");
        }
        return "schemas/" + name + ".schema.json";
    }

    /**
     * The URL of a schema file on the classpath.
     *
     * @throws IllegalArgumentException for a name that is not one of {@link #names()}
     */
    public static URL url(String name) {
        String resource = resource(name);
        URL url = Schemas.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException(
                    resource
                            + " is missing from the classpath; the triad-schemas jar is"
                            + " incomplete. Rebuild it with: mvn install -pl schemas");
        }
        return url;
    }

    /**
     * The text of a schema file (UTF-8 JSON).
     *
     * @throws IllegalArgumentException for a name that is not one of {@link #names()}
     */
    public static String text(String name) {
        URL url = url(name);
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schema " + url, e);
        }
    }
}
