package dev.triad.jobs.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads results files back: a {@code results.jsonl} (or {@code .jsonl.gz}) file, or a run's output
 * folder. {@link #forEach} is the one reader of results files (the run summary, {@code eval},
 * {@code compare} and the HTML report all read through it); {@link #read} keeps what eval and
 * compare need of each result, per strategy and question id.
 *
 * <p>A folder is read as a run's output: its {@code results.jsonl}; without one, the committed part
 * files under {@code parts/results/} (a watched-folder run that has not ended); without those,
 * every non-hidden {@code *.jsonl} / {@code *.jsonl.gz} file directly in it except {@code
 * dead-letters.jsonl}.
 *
 * <p>Every problem is a {@link UsageException} naming the file (and line): a missing path, a line
 * that is not a result record, and a second result for the same (id, strategy).
 */
public final class ResultFiles {

    /** The strategies printed first, in this order; others follow in name order. */
    static final List<String> STRATEGY_ORDER = List.of("lm2", "cot", "plan-solve");

    private final List<Path> files;
    private final Map<String, Map<String, QuestionOutcome>> byStrategy;
    private final boolean simulated;
    private final long results;
    private final Provenance provenance;

    private ResultFiles(
            List<Path> files,
            Map<String, Map<String, QuestionOutcome>> byStrategy,
            boolean simulated,
            long results,
            Provenance provenance) {
        this.files = files;
        this.byStrategy = byStrategy;
        this.simulated = simulated;
        this.results = results;
        this.provenance = provenance;
    }

    /**
     * Reads every result in the inputs.
     *
     * @param inputs files or folders, as given on the command line
     * @param what how the command line calls these inputs, for messages (e.g. {@code RESULTS},
     *     {@code --baseline})
     * @throws UsageException when a path is missing, a line is not a result, or an (id, strategy)
     *     appears twice
     */
    public static ResultFiles read(List<Path> inputs, String what) throws UsageException {
        List<Path> files = resolve(inputs, what);
        Map<String, Map<String, QuestionOutcome>> found = new TreeMap<>();
        boolean[] simulated = {false};
        long[] results = {0};
        Provenance.Collector provenance = new Provenance.Collector();
        forEach(
                files,
                (result, source) -> {
                    QuestionOutcome outcome = QuestionOutcome.of(result, source);
                    QuestionOutcome earlier =
                            found.computeIfAbsent(outcome.strategy(), s -> new LinkedHashMap<>())
                                    .putIfAbsent(outcome.id(), outcome);
                    if (earlier != null) {
                        throw new UsageException(
                                "duplicate result for id '"
                                        + outcome.id()
                                        + "', strategy "
                                        + outcome.strategy()
                                        + ": at "
                                        + earlier.source()
                                        + " and at "
                                        + source
                                        + ". Each (id, strategy) must appear once: give the"
                                        + " files of one run (or of runs over different"
                                        + " strategies), or compare two runs with triad compare.");
                    }
                    simulated[0] |= outcome.simulated();
                    results[0]++;
                    provenance.add(result);
                });
        return new ResultFiles(
                List.copyOf(files), ordered(found), simulated[0], results[0], provenance.build());
    }

    /** What {@link #forEach} hands each result to. */
    @FunctionalInterface
    public interface ResultVisitor {

        /**
         * @param result a result record, with id, strategy and status present
         * @param source {@code file:line} it was read from
         * @throws UsageException to stop reading with this message
         */
        void accept(Result result, String source) throws UsageException;
    }

    /**
     * Reads every result of the files in order (JSONL, {@code .gz} too) and hands each to {@code
     * visitor}: the one reader of results files, behind {@code eval}, {@code compare}, the run
     * summary and the HTML report.
     *
     * @param files results files, e.g. from {@link #resolve}
     * @throws UsageException naming the file (and line) when a file cannot be read, is not UTF-8,
     *     or has a line that is not a result record
     */
    public static void forEach(List<Path> files, ResultVisitor visitor) throws UsageException {
        for (Path file : files) {
            try (BufferedReader in = open(file)) {
                String line;
                long number = 0;
                while (true) {
                    try {
                        line = in.readLine();
                    } catch (CharacterCodingException e) {
                        throw new UsageException(
                                file
                                        + ":"
                                        + (number + 1)
                                        + ": not UTF-8 text ("
                                        + e
                                        + "). Give results.jsonl files as written by triad run.",
                                e);
                    }
                    if (line == null) {
                        break;
                    }
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String source = file + ":" + number;
                    visitor.accept(parse(line, source), source);
                }
            } catch (IOException e) {
                throw new UsageException(
                        file + " cannot be read (" + e + "). Check the path and its permissions.",
                        e);
            }
        }
    }

    /**
     * The files to read for the inputs, in order.
     *
     * @param what how the command line calls these inputs, for messages
     * @throws UsageException when an input is missing or a folder holds no results
     */
    public static List<Path> resolve(List<Path> inputs, String what) throws UsageException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            files.addAll(resolve(input, what));
        }
        return files;
    }

    private static Result parse(String line, String source) throws UsageException {
        Result result;
        try {
            result = Json.mapper().readValue(line, Result.class);
        } catch (JsonProcessingException e) {
            throw new UsageException(
                    source
                            + ": not a result record ("
                            + e.getOriginalMessage()
                            + "). Every line must be one JSON result as triad run writes it"
                            + " (schemas/result.schema.json).");
        }
        String missing =
                result == null
                        ? "a JSON object"
                        : blank(result.id())
                                ? "'id'"
                                : blank(result.strategy())
                                        ? "'strategy'"
                                        : result.status() == null ? "'status'" : null;
        if (missing != null) {
            throw new UsageException(
                    source
                            + ": not a result record (missing "
                            + missing
                            + "). Every line must be one JSON result as triad run writes it"
                            + " (schemas/result.schema.json); dead-letters.jsonl is not one.");
        }
        return result;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static BufferedReader open(Path file) throws IOException {
        return new BufferedReader(
                new InputStreamReader(
                        JsonlFiles.open(file),
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    /** The files to read for one input path. */
    private static List<Path> resolve(Path input, String what) throws UsageException {
        if (!Files.exists(input)) {
            throw new UsageException(
                    what
                            + " "
                            + input
                            + ": no such file or folder. Give a results.jsonl file or a run's"
                            + " output folder (triad run --output DIR).");
        }
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        OutputLayout layout = OutputLayout.in(input);
        if (Files.isRegularFile(layout.resultsFile())) {
            return List.of(layout.resultsFile());
        }
        try {
            List<Path> parts = OutputLayout.committedParts(layout.resultParts());
            if (!parts.isEmpty()) {
                return parts;
            }
            try (Stream<Path> list = Files.list(input)) {
                List<Path> files =
                        list.filter(Files::isRegularFile)
                                .filter(
                                        p -> {
                                            String name = p.getFileName().toString();
                                            return !name.startsWith(".")
                                                    && !name.startsWith("_")
                                                    && !name.equals(OutputLayout.DEAD_LETTERS_FILE)
                                                    && (name.endsWith(".jsonl")
                                                            || name.endsWith(".jsonl.gz"));
                                        })
                                .sorted(Comparator.comparing(Path::toString))
                                .toList();
                if (!files.isEmpty()) {
                    return files;
                }
            }
        } catch (IOException e) {
            throw new UsageException(
                    what + " " + input + ": the folder cannot be listed (" + e + ").", e);
        }
        throw new UsageException(
                what
                        + " "
                        + input
                        + ": the folder has no results.jsonl, no parts/results/ files and no other"
                        + " .jsonl file. Give a run's output folder or its results.jsonl.");
    }

    private static Map<String, Map<String, QuestionOutcome>> ordered(
            Map<String, Map<String, QuestionOutcome>> found) {
        Map<String, Map<String, QuestionOutcome>> ordered = new LinkedHashMap<>();
        for (String strategy : STRATEGY_ORDER) {
            if (found.containsKey(strategy)) {
                ordered.put(strategy, found.get(strategy));
            }
        }
        found.forEach(ordered::putIfAbsent);
        return ordered;
    }

    /** The files read, in order. */
    public List<Path> files() {
        return files;
    }

    /** Strategy to (question id to outcome), lm2, cot, plan-solve first, then by name. */
    public Map<String, Map<String, QuestionOutcome>> byStrategy() {
        return byStrategy;
    }

    /** Whether any result was produced with a simulated model. */
    public boolean simulated() {
        return simulated;
    }

    /** The models and prompt sets the results name. */
    public Provenance provenance() {
        return provenance;
    }

    /** How many results were read. */
    public long results() {
        return results;
    }

    /** Whether any result carries a gold answer. */
    public boolean anyGold() {
        for (Map<String, QuestionOutcome> outcomes : byStrategy.values()) {
            for (QuestionOutcome o : outcomes.values()) {
                if (o.hasGold()) {
                    return true;
                }
            }
        }
        return false;
    }
}
