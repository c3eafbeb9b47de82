package dev.triad.schemas.mapping;

import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one line of some JSONL dataset into a {@link Question}, as a YAML mapping file says: which
 * field is the id, how the text is built, where the gold answer and gold steps are, which fields
 * are kept as metadata. Adding an input format is a mapping file, not code; the format is described
 * in the {@link dev.triad.schemas.mapping package documentation}.
 *
 * <p>Built in (resources {@code mappings/NAME.yaml}): {@code gsm8k}, {@code gsm8k-socratic}, {@code
 * math500}, {@code svamp} and {@code triad} (Triad's own question JSON, which the problem generator
 * writes).
 *
 * <p>Immutable, thread-safe and {@link Serializable}, so a job can ship it to its tasks.
 */
public final class FieldMapping implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final List<String> BUILT_IN =
            List.of("gsm8k", "gsm8k-socratic", "math500", "svamp", "triad");

    private final String name;
    private final IdRule id;
    private final TextTemplate text;
    private final GoldRule gold;
    private final GoldStepsRule goldSteps;
    private final MetadataRule metadata;

    FieldMapping(
            String name,
            IdRule id,
            TextTemplate text,
            GoldRule gold,
            GoldStepsRule goldSteps,
            MetadataRule metadata) {
        this.name = Objects.requireNonNull(name, "name");
        this.id = Objects.requireNonNull(id, "id");
        this.text = Objects.requireNonNull(text, "text");
        this.gold = gold;
        this.goldSteps = goldSteps;
        this.metadata = Objects.requireNonNull(metadata, "metadata");
    }

    /** The names {@link #load} knows without a file. */
    public static List<String> builtInNames() {
        return BUILT_IN;
    }

    /**
     * A built-in mapping ({@code gsm8k}, {@code gsm8k-socratic}, {@code math500}, {@code svamp},
     * {@code triad}) or a path to a YAML mapping file.
     *
     * @throws IllegalArgumentException naming the input, the known names and what to do, when it is
     *     neither, or when the file breaks a rule of the format
     */
    public static FieldMapping load(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw unknown(nameOrPath, null);
        }
        if (BUILT_IN.contains(nameOrPath)) {
            return MappingFileReader.read(
                    builtInText(nameOrPath), "Built-in mapping '" + nameOrPath + "'", nameOrPath);
        }
        Path path;
        try {
            path = Path.of(nameOrPath).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw unknown(nameOrPath, null);
        }
        if (!Files.isRegularFile(path)) {
            throw unknown(nameOrPath, path);
        }
        String yaml;
        try {
            yaml = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Cannot read mapping file "
                            + path
                            + " ("
                            + e
                            + "); check that it is readable UTF-8 text.",
                    e);
        }
        String fileName = path.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return MappingFileReader.read(
                yaml, "Mapping file " + path, dot > 0 ? fileName.substring(0, dot) : fileName);
    }

    /** The mapping's name: the built-in name, or the file's {@code name} key (else file name). */
    public String name() {
        return name;
    }

    /** Whether the mapping gives questions a gold answer (it has a {@code gold} rule). */
    public boolean hasGold() {
        return gold != null;
    }

    /** Whether the mapping gives questions gold steps (it has a {@code goldSteps} rule). */
    public boolean hasGoldSteps() {
        return goldSteps != null;
    }

    /**
     * Whether its gold steps have subquestions, as simulated models need: every format but {@code
     * lines} (worked-solution lines, for demonstration pools).
     */
    public boolean goldStepsHaveSubquestions() {
        return goldSteps == null || goldSteps.hasSubquestions();
    }

    /**
     * Parses one raw JSONL line and maps it.
     *
     * @param rawLine the line as read
     * @param sourceName the file name (e.g. {@code test.jsonl}); part of ids made from line numbers
     *     and of every error message
     * @param lineNumber 1-based
     * @throws MappingException stage {@code parse} when the line is not one JSON object, stage
     *     {@code map} when a field is missing, empty or unusable; the message names the source,
     *     line and field and says what to do
     */
    public Question map(String rawLine, String sourceName, long lineNumber)
            throws MappingException {
        return map(rawLine, sourceName, lineNumber, null);
    }

    /**
     * Parses one raw record and maps it, with the id to use when the mapping has none for it.
     * Records from a log (a Kafka topic) have no line number that identifies them across files, so
     * their reader gives one: the record key, else topic, partition and offset.
     *
     * @param fallbackId the id when the mapping numbers records by line ({@code id: line}) or the
     *     record lacks the mapping's id field; {@code null} to behave as {@link #map(String,
     *     String, long)}
     * @throws MappingException as {@link #map(String, String, long)}
     */
    public Question map(String rawLine, String sourceName, long lineNumber, String fallbackId)
            throws MappingException {
        InputRecord record = InputRecord.parse(rawLine, sourceName, lineNumber, name);
        String questionId = id.id(record, fallbackId);
        String questionText = text.fill(record);
        String goldAnswer = gold == null ? null : gold.extract(record);
        List<GoldStep> steps = goldSteps == null ? null : goldSteps.extract(record);
        Map<String, String> kept = metadata.extract(record);
        return new Question(questionId, questionText, goldAnswer, steps, kept);
    }

    @Override
    public String toString() {
        return "FieldMapping{" + name + ", text '" + text.template() + "'}";
    }

    private static String builtInText(String name) {
        String resource = "mappings/" + name + ".yaml";
        try (InputStream in = FieldMapping.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        resource
                                + " is missing from the classpath; the triad-schemas jar is"
                                + " incomplete. Rebuild it with: mvn install -pl schemas");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    private static IllegalArgumentException unknown(String input, Path looked) {
        return new IllegalArgumentException(
                "Unknown mapping '"
                        + input
                        + "': it is neither a built-in mapping ("
                        + String.join(", ", BUILT_IN)
                        + ") nor a mapping file"
                        + (looked == null ? "" : " (no file at " + looked + ")")
                        + ". Pass one of the built-in names, or the path to a YAML mapping file"
                        + " (the built-in ones, mappings/*.yaml in triad-schemas, show the"
                        + " format).");
    }
}
