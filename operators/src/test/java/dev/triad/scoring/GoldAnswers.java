package dev.triad.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gold answers of the shared datasets, read in place: system property {@code triad.shared.dir}
 * (set by the parent POM's surefire configuration), else {@code ../../shared} from the module
 * directory. Nothing is copied into the repository.
 */
final class GoldAnswers {

    /** One dataset file and how its gold answer is written. */
    enum Dataset {
        GSM8K_TEST("gsm8k/test.jsonl", 1319, false),
        GSM8K_TRAIN("gsm8k/train.jsonl", 7473, false),
        GSM8K_TEST_SOCRATIC("gsm8k/test_socratic.jsonl", 1319, false),
        MATH500("math500/test.jsonl", 500, true),
        SVAMP("svamp/test.jsonl", 1000, false);

        final String file;
        final int records;
        final boolean latex;

        Dataset(String file, int records, boolean latex) {
            this.file = file;
            this.records = records;
            this.latex = latex;
        }

        @Override
        public String toString() {
            return file;
        }
    }

    /** One record's gold answer as the dataset writes it. */
    record Gold(Dataset dataset, String id, String answer) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Dataset, List<Gold>> CACHE = new ConcurrentHashMap<>();

    private GoldAnswers() {}

    static List<Gold> of(Dataset dataset) {
        return CACHE.computeIfAbsent(dataset, GoldAnswers::read);
    }

    private static List<Gold> read(Dataset dataset) {
        List<Gold> golds = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(path(dataset.file), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                JsonNode record = JSON.readTree(lines.get(i));
                golds.add(new Gold(dataset, id(dataset, record, i + 1), gold(dataset, record)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(golds);
    }

    private static String id(Dataset dataset, JsonNode record, int line) {
        if (dataset == Dataset.MATH500) {
            return record.get("unique_id").asText();
        }
        if (dataset == Dataset.SVAMP) {
            return record.get("ID").asText();
        }
        return dataset.file + ":" + line;
    }

    private static String gold(Dataset dataset, JsonNode record) {
        switch (dataset) {
            case MATH500:
                return record.get("answer").asText();
            case SVAMP:
                // 145.0 as written, never 1.45E2.
                return record.get("Answer").decimalValue().toPlainString();
            default:
                String solution = record.get("answer").asText();
                int marker = solution.lastIndexOf("####");
                if (marker < 0) {
                    throw new IllegalStateException("no #### line in " + dataset + ": " + solution);
                }
                return solution.substring(marker + 4).strip();
        }
    }

    private static Path path(String relative) {
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
