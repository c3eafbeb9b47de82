package dev.triad.jobs.export;

import dev.triad.jobs.ResultsBranch;
import dev.triad.jobs.UsageException;
import dev.triad.reasoning.PromptSet;
import dev.triad.schemas.Result;
import dev.triad.serde.JsonTypeInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * {@code run --export F:PATH}: training examples written as results commit. Each result goes
 * through {@link TrainingExampleFunction}; its examples go to an exactly-once {@code FileSink}
 * whose part files ({@code PARTS/train/}, {@code PARTS/validation/}) become visible on the same
 * checkpoints as the results' parts. When a bounded run has ended, {@link #merge} concatenates the
 * committed parts into {@code PATH} and its validation file and writes the dataset card from the
 * run's merged {@code results.jsonl}.
 */
public final class StreamingExport implements ResultsBranch {

    /** Uid of the operator that makes examples from results. */
    public static final String EXAMPLES_UID = "triad-export-examples";

    /** Uid of the training-data sink. */
    public static final String SINK_UID = "triad-export-sink";

    private static final String TRAIN = "train";
    private static final String VALIDATION = "validation";

    private final ExportSettings settings;
    private final Path output;
    private final Path parts;
    private final PromptSet prompts;

    /**
     * @param settings what to export
     * @param output the train file ({@code PATH})
     * @param parts the folder the sink writes its part files under while the job runs
     * @param prompts the run's prompt set, which renders the examples' prompts
     */
    public StreamingExport(ExportSettings settings, Path output, Path parts, PromptSet prompts) {
        this.settings = settings;
        this.prompts = prompts;
        this.output = output.toAbsolutePath().normalize();
        this.parts = parts.toAbsolutePath().normalize();
    }

    /**
     * Parses {@code --export F:PATH} (F a format, PATH the train file).
     *
     * @throws UsageException naming the value and the form to use
     */
    public static StreamingExport parse(
            String spec, boolean allowSimulated, Path parts, PromptSet prompts)
            throws UsageException {
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new UsageException(
                    "--export "
                            + spec
                            + ": expected FORMAT:PATH, e.g. --export"
                            + " trl-dpo:out/train/decomposer-dpo.jsonl.");
        }
        ExportFormat format =
                ExportFormat.parse(
                        spec.substring(0, colon).trim().toLowerCase(Locale.ROOT), "--export");
        Path output = Path.of(spec.substring(colon + 1));
        if (Files.isDirectory(output)) {
            throw new UsageException(
                    "--export "
                            + spec
                            + ": "
                            + output
                            + " is a folder; give the file for the train examples, e.g. "
                            + format
                            + ":"
                            + output.resolve("train.jsonl")
                            + ".");
        }
        ExportSettings settings =
                ExportSettings.builder(format).dedupe(false).allowSimulated(allowSimulated).build();
        return new StreamingExport(settings, output, parts, prompts);
    }

    public ExportSettings settings() {
        return settings;
    }

    /** The train file. */
    public Path output() {
        return output;
    }

    @Override
    public void addTo(DataStream<Result> results) {
        results.flatMap(new TrainingExampleFunction(settings, prompts))
                .returns(JsonTypeInfo.immutable(ExampleLine.class))
                .name("training examples (" + settings.format() + ")")
                .uid(EXAMPLES_UID)
                .sinkTo(sink())
                .name("training data sink")
                .uid(SINK_UID);
    }

    private FileSink<ExampleLine> sink() {
        Encoder<ExampleLine> encoder =
                (line, stream) -> {
                    stream.write(line.json().getBytes(StandardCharsets.UTF_8));
                    stream.write('\n');
                };
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(parts.toUri()), encoder)
                .withBucketAssigner(new SplitBuckets())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix("part")
                                .withPartSuffix(".jsonl")
                                .build())
                .build();
    }

    /**
     * After a bounded run, before its parts folder is removed: the committed example parts into
     * {@code PATH} and its validation file.
     */
    public void mergeParts() throws IOException {
        concatenate(committed(parts.resolve(TRAIN)), output);
        if (settings.split().fraction() > 0) {
            concatenate(
                    committed(parts.resolve(VALIDATION)),
                    TrainingDataExport.validationPath(output));
        }
    }

    /**
     * The dataset card beside {@code PATH}, its sources and counts read from the run's merged
     * {@code resultsFile}.
     */
    public DatasetCard writeCard(Path resultsFile) throws IOException, UsageException {
        return new TrainingDataExport(settings, CallRenderer.with(prompts))
                .describe(List.of(resultsFile), output);
    }

    private static List<Path> committed(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            List<Path> found = new ArrayList<>();
            list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .forEach(found::add);
            return found;
        }
    }

    private static void concatenate(List<Path> from, Path target) throws IOException {
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".in-progress");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (Path part : from) {
                Files.copy(part, out);
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Puts each example into the {@code train} or {@code validation} folder of the parts. */
    private static final class SplitBuckets implements BucketAssigner<ExampleLine, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getBucketId(ExampleLine line, Context context) {
            return line.validation() ? VALIDATION : TRAIN;
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }
}
