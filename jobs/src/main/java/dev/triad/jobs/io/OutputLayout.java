package dev.triad.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Where a run writes: {@code DIR/results.jsonl} and {@code DIR/dead-letters.jsonl}.
 *
 * <p>While the job runs, its {@code FileSink}s write exactly-once part files under {@code
 * DIR/parts/results/} and {@code DIR/parts/dead-letters/}; a part becomes visible when the
 * checkpoint after it completes (parts roll at every checkpoint; in-progress parts are hidden,
 * their names start with a dot). After a bounded run, {@link #merge()} concatenates the committed
 * parts into the two files (both always exist, even when empty) and removes {@code DIR/parts}. A
 * watched-folder run never ends, so its results stay in the part files.
 */
public final class OutputLayout {

    /** The file of results a bounded run leaves behind. */
    public static final String RESULTS_FILE = "results.jsonl";

    /** The file of dead letters a bounded run leaves behind. */
    public static final String DEAD_LETTERS_FILE = "dead-letters.jsonl";

    /** The folder of part files under the output folder while a run writes. */
    public static final String PARTS = "parts";

    private final Path dir;

    private OutputLayout(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The layout under {@code dir}; touches nothing yet. */
    public static OutputLayout in(Path dir) {
        return new OutputLayout(dir);
    }

    /** The output folder. */
    public Path dir() {
        return dir;
    }

    /** {@code DIR/results.jsonl}. */
    public Path resultsFile() {
        return dir.resolve(RESULTS_FILE);
    }

    /** {@code DIR/dead-letters.jsonl}. */
    public Path deadLettersFile() {
        return dir.resolve(DEAD_LETTERS_FILE);
    }

    /** Where the results sink writes its part files. */
    public Path resultParts() {
        return dir.resolve(PARTS).resolve("results");
    }

    /** Where the dead-letter sink writes its part files. */
    public Path deadLetterParts() {
        return dir.resolve(PARTS).resolve("dead-letters");
    }

    /**
     * Creates the folder and removes what an earlier run left in it: part files, {@code
     * results.jsonl} and {@code dead-letters.jsonl}. Other files are left alone.
     */
    public void prepare() throws IOException {
        Files.createDirectories(dir);
        deleteRecursively(dir.resolve(PARTS));
        Files.deleteIfExists(resultsFile());
        Files.deleteIfExists(deadLettersFile());
    }

    /** A row-format sink writing records as JSON lines into the results parts. */
    public <T> FileSink<T> resultsSink() {
        return jsonLinesSink(resultParts());
    }

    /** A row-format sink writing records as JSON lines into the dead-letter parts. */
    public <T> FileSink<T> deadLettersSink() {
        return jsonLinesSink(deadLetterParts());
    }

    /**
     * An exactly-once sink writing one JSON line per record into part files directly under {@code
     * folder} ({@code part-<uuid>-<subtask>-<n>.jsonl}).
     */
    public static <T> FileSink<T> jsonLinesSink(Path folder) {
        Encoder<T> encoder = new JsonLineEncoder<>();
        return FileSink.forRowFormat(
                        new org.apache.flink.core.fs.Path(folder.toAbsolutePath().toUri()), encoder)
                .withBucketAssigner(new BasePathBucketAssigner<>())
                // A part per checkpoint: results become visible at every checkpoint, which is
                // what a watched-folder run that never ends needs.
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix("part")
                                .withPartSuffix(".jsonl")
                                .build())
                .build();
    }

    /**
     * Concatenates the committed part files (in name order) into {@code results.jsonl} and {@code
     * dead-letters.jsonl}, creating both even when there are no parts, then removes {@code
     * DIR/parts}.
     */
    public void merge() throws IOException {
        concatenate(committedParts(resultParts()), resultsFile());
        concatenate(committedParts(deadLetterParts()), deadLettersFile());
        deleteRecursively(dir.resolve(PARTS));
    }

    /** The visible (committed) part files in a folder, in name order; none if it is missing. */
    public static List<Path> committedParts(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            List<Path> parts = new ArrayList<>();
            list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .forEach(parts::add);
            return parts;
        }
    }

    private static void concatenate(List<Path> parts, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (Path part : parts) {
                Files.copy(part, out);
            }
        }
        Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
