package dev.triad.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run keeps so that it can be resumed after its process died: a folder ({@code DIR/.triad}
 * for a folder output) holding
 *
 * <ul>
 *   <li>{@code run.json}, the marker: written when a run starts, removed when it has finished and
 *       its output is complete; while it exists the output is unfinished;
 *   <li>{@code checkpoints/JOB-ID/chk-N/}, the job's retained checkpoints (Flink's filesystem
 *       checkpoint storage);
 *   <li>{@code savepoints/savepoint-…/}, savepoints taken when an unbounded run is stopped with
 *       Ctrl-C.
 * </ul>
 *
 * <p>Other entries of the folder belong to other parts of Triad (a journal of model replies, for
 * one): {@link #clearOwn()} leaves them alone, only {@link #clearAll()} (for {@code --overwrite})
 * removes them. Not thread-safe; one run uses it from one thread.
 */
public final class RunState {

    private static final Logger LOG = LoggerFactory.getLogger(RunState.class);

    /** The marker file of an unfinished run. */
    public static final String MARKER = "run.json";

    /** The folder of the job's checkpoints. */
    public static final String CHECKPOINTS = "checkpoints";

    /** The folder of the savepoints Ctrl-C takes. */
    public static final String SAVEPOINTS = "savepoints";

    /** The file that makes a checkpoint or savepoint folder complete. */
    static final String METADATA = "_metadata";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The name of a job's folder under {@code checkpoints/}: its job id. */
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

    private final Path dir;

    private RunState(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The state kept under {@code dir}; touches nothing yet. */
    public static RunState in(Path dir) {
        return new RunState(dir);
    }

    /** The state folder. */
    public Path dir() {
        return dir;
    }

    /** Where the job's checkpoints go ({@code execution.checkpointing.dir}). */
    public Path checkpoints() {
        return dir.resolve(CHECKPOINTS);
    }

    /** Where Ctrl-C's savepoints go ({@code execution.checkpointing.savepoint-dir}). */
    public Path savepoints() {
        return dir.resolve(SAVEPOINTS);
    }

    /** The marker file. */
    public Path markerFile() {
        return dir.resolve(MARKER);
    }

    /**
     * The marker of an unfinished run, or empty when the output is finished (or was never written
     * by a run that keeps state).
     *
     * @throws IOException when the marker exists but cannot be read or is not a marker
     */
    public Optional<Marker> marker() throws IOException {
        Path file = markerFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Marker.fromJson(JSON.readTree(file.toFile())));
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    file + " is not a marker Triad wrote (" + e.getMessage() + ")", e);
        }
    }

    /** Writes the marker (atomically: a reader sees the old one or the new one). */
    public void writeMarker(Marker marker) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + MARKER + ".tmp");
        Files.writeString(
                tmp,
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(marker.toJson()) + "\n",
                StandardCharsets.UTF_8);
        Files.move(
                tmp,
                markerFile(),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The newest complete checkpoint or savepoint to resume from, or empty when there is none.
     * Complete means its {@code _metadata} file exists and can be read (a process killed while
     * writing it leaves a partial one, which is skipped); newest by the time of that file.
     */
    public Optional<Snapshot> latestSnapshot() throws IOException {
        List<Snapshot> candidates = new ArrayList<>();
        // checkpoints/JOB-ID/chk-N/_metadata
        for (Path job : subfolders(checkpoints())) {
            for (Path chk : subfolders(job)) {
                if (chk.getFileName().toString().startsWith("chk-")) {
                    snapshotIn(chk, false).ifPresent(candidates::add);
                }
            }
        }
        // savepoints/savepoint-XXXXXX-YYYYYYYYYYYY/_metadata
        for (Path savepoint : subfolders(savepoints())) {
            snapshotIn(savepoint, true).ifPresent(candidates::add);
        }
        candidates.sort(Comparator.comparing(Snapshot::time).reversed());
        for (Snapshot candidate : candidates) {
            if (readable(candidate.path().resolve(METADATA))) {
                return Optional.of(candidate);
            }
            LOG.warn("Skipping {}: its {} cannot be read", candidate.path(), METADATA);
        }
        return Optional.empty();
    }

    /**
     * Removes the marker, the checkpoints and the savepoints, and the folder itself when nothing
     * else is left in it; anything else stays.
     */
    public void clearOwn() throws IOException {
        // The marker first: without it nothing points at the folders removed next.
        Files.deleteIfExists(markerFile());
        deleteRecursively(checkpoints());
        deleteRecursively(savepoints());
        if (Files.isDirectory(dir)) {
            try (Stream<Path> left = Files.list(dir)) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(dir);
                }
            }
        }
    }

    /**
     * Removes every checkpoint and every savepoint but {@code savepoint}: a savepoint just taken is
     * newer than all of them, so they can no longer be resumed from.
     */
    public void keepOnly(Path savepoint) throws IOException {
        Path keep = savepoint.toAbsolutePath().normalize();
        for (Path job : subfolders(checkpoints())) {
            if (JOB_ID.matcher(job.getFileName().toString()).matches()) {
                deleteRecursively(job);
            }
        }
        for (Path other : subfolders(savepoints())) {
            if (!other.toAbsolutePath().normalize().equals(keep)) {
                deleteRecursively(other);
            }
        }
    }

    /** Removes the whole state folder (for {@code --overwrite}). */
    public void clearAll() throws IOException {
        deleteRecursively(dir);
    }

    private static Optional<Snapshot> snapshotIn(Path folder, boolean savepoint)
            throws IOException {
        Path metadata = folder.resolve(METADATA);
        if (!Files.isRegularFile(metadata)) {
            return Optional.empty();
        }
        return Optional.of(
                new Snapshot(folder, Files.getLastModifiedTime(metadata).toInstant(), savepoint));
    }

    private static boolean readable(Path metadata) {
        try (InputStream in = Files.newInputStream(metadata)) {
            Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in),
                    RunState.class.getClassLoader(),
                    metadata.getParent().toString());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} cannot be read", metadata, e);
            return false;
        }
    }

    private static List<Path> subfolders(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isDirectory).toList();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * A completed checkpoint ({@code chk-N}) or savepoint folder.
     *
     * @param path the folder, what {@code execution.state-recovery.path} takes
     * @param time when its metadata was written
     * @param savepoint whether it is a savepoint (taken by Ctrl-C) rather than a checkpoint
     */
    public record Snapshot(Path path, Instant time, boolean savepoint) {

        /** "checkpoint PATH (taken TIME)" or "savepoint PATH (taken TIME)". */
        public String describe() {
            return (savepoint ? "savepoint " : "checkpoint ")
                    + path
                    + " (taken "
                    + time.truncatedTo(ChronoUnit.SECONDS)
                    + ")";
        }
    }

    /**
     * What a run was started with, to tell a resume of the same run from a different command.
     *
     * @param input the input as given (a path or a Kafka URI)
     * @param mapping the mapping's name
     * @param strategies the strategies, in order
     * @param limit the question limit, or {@code null} for none
     * @param output the output as given (a folder or a Kafka URI)
     * @param started when the run was first started
     * @param jobFinished whether the job ran to its end (only merging the output was left)
     * @param stages the options that add stages with state to the job (e.g. {@code
     *     --near-duplicates} → {@code drop@0.9}), only those that are on: a checkpoint restores
     *     only into the job graph it was taken from
     */
    public record Marker(
            String input,
            String mapping,
            List<String> strategies,
            Long limit,
            String output,
            Instant started,
            boolean jobFinished,
            Map<String, String> stages) {

        /** What an option in {@link #stages()} that is not there reads as. */
        public static final String OFF = "off";

        public Marker {
            stages = stages == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(stages));
        }

        /** A run without optional stages. */
        public Marker(
                String input,
                String mapping,
                List<String> strategies,
                Long limit,
                String output,
                Instant started,
                boolean jobFinished) {
            this(input, mapping, strategies, limit, output, started, jobFinished, Map.of());
        }

        /** Same as {@code this} with {@link #jobFinished()} set. */
        public Marker finished() {
            return new Marker(input, mapping, strategies, limit, output, started, true, stages);
        }

        /**
         * How a run started with {@code other} differs from this one, as "--option was X, is Y"
         * phrases; empty when it is the same run. The output is not compared: the marker lives in
         * it.
         */
        public List<String> differencesTo(Marker other) {
            List<String> differences = new ArrayList<>();
            difference(differences, "--input", input, other.input);
            difference(differences, "--mapping", mapping, other.mapping);
            difference(
                    differences,
                    "--strategies",
                    String.join(",", strategies),
                    String.join(",", other.strategies));
            difference(
                    differences,
                    "--limit",
                    limit == null ? "none" : limit.toString(),
                    other.limit == null ? "none" : other.limit.toString());
            TreeSet<String> options = new TreeSet<>(stages.keySet());
            options.addAll(other.stages.keySet());
            for (String option : options) {
                difference(
                        differences,
                        option,
                        stages.getOrDefault(option, OFF),
                        other.stages.getOrDefault(option, OFF));
            }
            return differences;
        }

        private static void difference(List<String> into, String option, String was, String is) {
            if (!Objects.equals(was, is)) {
                into.add(option + " was " + was + ", is " + is);
            }
        }

        ObjectNode toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put("input", input);
            node.put("mapping", mapping);
            ArrayNode list = node.putArray("strategies");
            strategies.forEach(list::add);
            if (limit != null) {
                node.put("limit", limit);
            }
            node.put("output", output);
            node.put("started", started.toString());
            node.put("job-finished", jobFinished);
            if (!stages.isEmpty()) {
                ObjectNode stageNode = node.putObject("stages");
                stages.forEach(stageNode::put);
            }
            return node;
        }

        static Marker fromJson(JsonNode node) throws IOException {
            List<String> strategies = new ArrayList<>();
            for (JsonNode s : required(node, "strategies")) {
                strategies.add(s.asText());
            }
            Map<String, String> stages = new TreeMap<>();
            node.path("stages")
                    .fields()
                    .forEachRemaining(e -> stages.put(e.getKey(), e.getValue().asText()));
            try {
                return new Marker(
                        required(node, "input").asText(),
                        required(node, "mapping").asText(),
                        List.copyOf(strategies),
                        node.hasNonNull("limit") ? node.get("limit").asLong() : null,
                        node.path("output").asText(null),
                        Instant.parse(required(node, "started").asText()),
                        node.path("job-finished").asBoolean(false),
                        stages);
            } catch (DateTimeParseException e) {
                throw new IOException("'started' is not a time: " + e.getMessage(), e);
            }
        }

        private static JsonNode required(JsonNode node, String field) throws IOException {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new IOException("'" + field + "' is missing");
            }
            return value;
        }
    }
}
