package dev.triad.jobs.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code triad export}'s work: reads results files, keeps the questions the settings ask for,
 * writes their examples (train to {@code FILE}, validation beside it), drops duplicates and writes
 * the dataset card. The files appear only when the export succeeded: they are written under a
 * temporary name and moved into place at the end.
 *
 * <p>Results of simulated models are refused unless {@link ExportSettings#allowSimulated()}.
 * Duplicates are found by a 128-bit hash of each example without its metadata, kept in memory (16
 * bytes and a set entry per example).
 */
public final class TrainingDataExport {

    private final ExportSettings settings;
    private final TrainingExamples examples;
    private final QuestionFilter filter;
    private final CallRenderer renderer;

    public TrainingDataExport(ExportSettings settings, CallRenderer renderer) {
        this.settings = settings;
        this.renderer = renderer;
        this.examples = new TrainingExamples(settings, renderer);
        this.filter = new QuestionFilter(settings);
    }

    /** Where the validation examples of an export to {@code output} go. */
    public static Path validationPath(Path output) {
        String name = output.getFileName().toString();
        String validation =
                name.endsWith(".jsonl")
                        ? name.substring(0, name.length() - ".jsonl".length()) + ".validation.jsonl"
                        : name + ".validation";
        return output.resolveSibling(validation);
    }

    /**
     * Exports the results of {@code files} to {@code output}.
     *
     * @return the dataset card, also written beside {@code output}
     * @throws UsageException naming the file and line of a result that cannot be exported (a
     *     simulated one without permission, one without its question text), or an unreadable file
     */
    public DatasetCard export(List<Path> files, Path output) throws UsageException, IOException {
        Path absolute = output.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        boolean split = settings.split().fraction() > 0;
        boolean sidecar = settings.metadata() == ExportSettings.Metadata.SIDECAR;
        DatasetCard card = new DatasetCard(settings);
        List<Path> outputs = new ArrayList<>();
        try (SplitFile train = new SplitFile(absolute, sidecar);
                SplitFile validation =
                        split ? new SplitFile(validationPath(absolute), sidecar) : null) {
            read(
                    files,
                    card,
                    (example, toValidation) -> (toValidation ? validation : train).write(example));
            train.commit(outputs);
            if (validation != null) {
                validation.commit(outputs);
            }
        }
        if (!split) {
            // An earlier export's split no longer matches.
            Files.deleteIfExists(validationPath(absolute));
            Files.deleteIfExists(metadataPath(validationPath(absolute)));
        }
        if (!sidecar) {
            Files.deleteIfExists(metadataPath(absolute));
            Files.deleteIfExists(metadataPath(validationPath(absolute)));
        }
        card.outputs(outputs);
        card.write(absolute);
        return card;
    }

    /** Where the metadata of the examples in {@code file} go with {@code --metadata sidecar}. */
    public static Path metadataPath(Path file) {
        String name = file.getFileName().toString();
        String metadata =
                name.endsWith(".jsonl")
                        ? name.substring(0, name.length() - ".jsonl".length()) + ".metadata.jsonl"
                        : name + ".metadata";
        return file.resolveSibling(metadata);
    }

    /**
     * One file of examples (train or validation) and, with a sidecar, its metadata file, line i of
     * one belonging to line i of the other; written under temporary names, moved into place by
     * {@link #commit}, removed by {@link #close} when not committed.
     */
    private static final class SplitFile implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final BufferedWriter out;
        private final Path metadataTarget;
        private final Path metadataTmp;
        private final BufferedWriter metadataOut;
        private boolean committed;

        SplitFile(Path target, boolean sidecar) throws IOException {
            this.target = target;
            this.tmp = temporary(target);
            this.out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
            this.metadataTarget = sidecar ? metadataPath(target) : null;
            this.metadataTmp = sidecar ? temporary(metadataTarget) : null;
            this.metadataOut =
                    sidecar ? Files.newBufferedWriter(metadataTmp, StandardCharsets.UTF_8) : null;
        }

        void write(ObjectNode example) throws UsageException {
            try {
                if (metadataOut != null) {
                    ObjectNode content = example.deepCopy();
                    metadataOut.write(Json.write(content.remove("metadata")));
                    metadataOut.write('\n');
                    out.write(Json.write(content));
                } else {
                    out.write(Json.write(example));
                }
                out.write('\n');
            } catch (IOException e) {
                throw new UsageException(
                        "cannot write "
                                + target
                                + " ("
                                + e
                                + "); check the disk and the folder's permissions.",
                        e);
            }
        }

        void commit(List<Path> outputs) throws IOException {
            out.close();
            move(tmp, target);
            outputs.add(target);
            if (metadataOut != null) {
                metadataOut.close();
                move(metadataTmp, metadataTarget);
                outputs.add(metadataTarget);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            out.close();
            if (metadataOut != null) {
                metadataOut.close();
            }
            if (!committed) {
                Files.deleteIfExists(tmp);
                if (metadataTmp != null) {
                    Files.deleteIfExists(metadataTmp);
                }
            }
        }
    }

    /**
     * Writes the dataset card of examples already written to {@code output} (and its validation
     * file) from the results of {@code files}, e.g. by {@code run --export}: the same reading,
     * filtering and counting as {@link #export}, without writing examples.
     */
    public DatasetCard describe(List<Path> files, Path output) throws UsageException, IOException {
        DatasetCard card = new DatasetCard(settings);
        read(files, card, (example, toValidation) -> {});
        List<Path> outputs = new ArrayList<>();
        outputs.add(output);
        if (settings.split().fraction() > 0) {
            outputs.add(validationPath(output));
        }
        card.outputs(outputs);
        card.write(output);
        return card;
    }

    /** Where {@link #read} hands each example that is kept. */
    @FunctionalInterface
    private interface ExampleSink {
        void accept(ObjectNode example, boolean validation) throws UsageException;
    }

    private void read(List<Path> files, DatasetCard card, ExampleSink sink) throws UsageException {
        Set<String> seen = new HashSet<>();
        ResultFiles.forEach(
                files,
                (result, source) -> {
                    card.read(file(source), result.models(), result.simulated());
                    refuseSimulated(result, source);
                    String skip = filter.reasonToSkip(result);
                    if (skip != null) {
                        card.skipped(skip);
                        return;
                    }
                    List<ObjectNode> made = examplesOf(result, source);
                    RoleUsage usage =
                            result.usage() == null
                                    ? null
                                    : result.usage().get(settings.role().key());
                    card.kept(
                            renderer.promptSet(result),
                            usage == null ? 0 : usage.promptTokens(),
                            usage == null ? 0 : usage.completionTokens());
                    boolean toValidation = settings.split().validation(result.id());
                    for (ObjectNode example : made) {
                        if (settings.dedupe() && !seen.add(contentHash(example))) {
                            card.duplicate();
                            continue;
                        }
                        sink.accept(example, toValidation);
                        card.example(result.id(), toValidation, TokenCount.of(example));
                    }
                });
    }

    private void refuseSimulated(Result result, String source) throws UsageException {
        if (result.simulated() && !settings.allowSimulated()) {
            throw new UsageException(
                    source
                            + ": result "
                            + result.id()
                            + " ("
                            + result.strategy()
                            + ") was produced by simulated models "
                            + result.models()
                            + ". Training on it teaches Triad's simulator, not a model; nothing"
                            + " was written. Export results of real models, or pass"
                            + " --allow-simulated to export it anyway (every example is then"
                            + " marked \"simulated\": true, and so is the dataset card).");
        }
    }

    private List<ObjectNode> examplesOf(Result result, String source) throws UsageException {
        try {
            return examples.of(result);
        } catch (IllegalArgumentException e) {
            throw new UsageException(source + ": " + e.getMessage(), e);
        }
    }

    /** A 128-bit hash of the example without its metadata, as text. */
    private static String contentHash(ObjectNode example) {
        ObjectNode content = example.deepCopy();
        content.remove("metadata");
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(Json.write(content).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String file(String source) {
        int colon = source.lastIndexOf(':');
        return colon > 0 ? source.substring(0, colon) : source;
    }

    private static Path temporary(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".in-progress");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(
                    from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
