package dev.triad.jobs.demos;

import dev.triad.schemas.Demonstration;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.schemas.mapping.MappingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The solved examples of a demonstration pool file ({@code run --demonstrations FILE}), read
 * through a field mapping: each line's mapped text is the example's problem, its gold answer the
 * final answer and its gold steps the worked steps. An export ({@code triad export --format
 * demonstrations}) is read with the {@code triad} mapping; GSM8K's {@code train.jsonl} with {@code
 * examples/mappings/gsm8k-train.yaml} (its worked solution lines as steps).
 *
 * <p>Strict, as the pool is configuration rather than data: a line that does not map, or that maps
 * without a gold answer or steps, is an {@link IllegalArgumentException} naming the file and line
 * and the fix; so is an empty pool. Blank lines are skipped. A {@code .gz} file is read
 * decompressed; {@link #sha256()} is over the file's bytes as stored.
 *
 * @param file the file as given
 * @param sha256 SHA-256 of the file's bytes
 * @param examples the examples, in file order
 */
public record DemonstrationPool(String file, String sha256, List<Example> examples) {

    /**
     * One solved example.
     *
     * @param demonstration what a question shown this example records (score not set)
     * @param normalised its problem text normalised ({@link #normalise}), to recognise a copy of an
     *     evaluated question
     */
    public record Example(Demonstration demonstration, String normalised) {}

    /**
     * Reads and checks a pool.
     *
     * @param file the pool file
     * @param mapping how its lines become examples; it needs {@code gold} and {@code goldSteps}
     * @throws IllegalArgumentException naming the file (and line) that is wrong and what to do
     */
    public static DemonstrationPool read(Path file, FieldMapping mapping) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    file
                            + ": no such file. Give a JSONL file of solved examples: an export"
                            + " (triad export RESULTS --format demonstrations), or GSM8K's"
                            + " train.jsonl with --demonstrations-mapping"
                            + " examples/mappings/gsm8k-train.yaml");
        }
        if (!mapping.hasGold() || !mapping.hasGoldSteps()) {
            throw new IllegalArgumentException(
                    "the mapping '"
                            + mapping.name()
                            + "' gives examples no "
                            + (mapping.hasGold() ? "steps (goldSteps)" : "final answer (gold)")
                            + ", which a worked example needs. Use a mapping with gold and"
                            + " goldSteps: triad (for an export), gsm8k-socratic, or"
                            + " examples/mappings/gsm8k-train.yaml");
        }
        String name = file.getFileName().toString();
        List<Example> examples = new ArrayList<>();
        MessageDigest digest = sha256Digest();
        try (InputStream raw = new DigestInputStream(Files.newInputStream(file), digest);
                InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader lines =
                        new BufferedReader(
                                new InputStreamReader(
                                        in,
                                        StandardCharsets.UTF_8
                                                .newDecoder()
                                                .onMalformedInput(CodingErrorAction.REPORT)
                                                .onUnmappableCharacter(
                                                        CodingErrorAction.REPORT)))) {
            String line;
            long number = 0;
            while (true) {
                try {
                    line = lines.readLine();
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException(
                            file
                                    + ":"
                                    + (number + 1)
                                    + " is not UTF-8 text; save the pool as UTF-8",
                            e);
                }
                if (line == null) {
                    break;
                }
                number++;
                if (line.isBlank()) {
                    continue;
                }
                examples.add(example(file, mapping, line, name, number));
            }
            raw.transferTo(OutputStream.nullOutputStream()); // the digest covers it all
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + " cannot be read (" + e + "); check that it is a readable file", e);
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(
                    file
                            + " holds no examples (no line that is not blank). Give a pool with"
                            + " at least --shots solved examples");
        }
        return new DemonstrationPool(
                file.toString(), HexFormat.of().formatHex(digest.digest()), List.copyOf(examples));
    }

    private static Example example(
            Path file, FieldMapping mapping, String line, String name, long number) {
        Question q;
        try {
            q = mapping.map(line, name, number);
        } catch (MappingException e) {
            throw new IllegalArgumentException(
                    file
                            + ":"
                            + number
                            + ": "
                            + e.getMessage()
                            + " (every line of a demonstration pool must map to a solved"
                            + " example: fix or remove the line, or give the right"
                            + " --demonstrations-mapping)",
                    e);
        }
        if (q.gold() == null || q.goldSteps() == null || q.goldSteps().isEmpty()) {
            throw new IllegalArgumentException(
                    file
                            + ":"
                            + number
                            + ": the example has no "
                            + (q.gold() == null ? "final answer (gold)" : "steps (goldSteps)")
                            + "; every example of a demonstration pool needs both. Fix or remove"
                            + " the line");
        }
        List<String> steps = new ArrayList<>(q.goldSteps().size());
        for (GoldStep step : q.goldSteps()) {
            steps.add(
                    step.subquestion() == null
                            ? step.answer()
                            : step.subquestion() + " " + step.answer());
        }
        return new Example(
                new Demonstration(q.id(), q.text(), steps, q.gold(), null), normalise(q.text()));
    }

    /** How many examples it holds. */
    public int size() {
        return examples.size();
    }

    /**
     * A question's text as compared for copies: Unicode-normalised (NFKC), lower case, every run of
     * characters that are not letters or digits one space, trimmed.
     */
    public static String normalise(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", " ")
                .strip();
    }

    /** The SHA-256 of a file's bytes, as {@link #sha256()} is. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
