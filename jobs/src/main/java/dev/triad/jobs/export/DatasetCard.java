package dev.triad.jobs.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.triad.schemas.Json;
import dev.triad.schemas.VerifierClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an export wrote and where it came from: source files, model bindings, prompt sets, filters,
 * counts, token totals and whether the source was simulated. Written beside the examples as {@code
 * FILE.card.md} (for people) and {@code FILE.card.json} (for tools). Filled by one export on one
 * thread.
 */
public final class DatasetCard {

    private final ExportSettings settings;
    private final Map<String, Long> sources = new LinkedHashMap<>();
    private final Map<String, Set<String>> models = new TreeMap<>();
    private final Set<String> promptSets = new TreeSet<>();
    private final Map<String, Long> skipped = new TreeMap<>();
    private boolean simulated;
    private long resultsRead;
    private long resultsKept;
    private long duplicates;
    private final long[] examples = new long[2];
    private final long[] tokens = new long[2];
    private final Set<String> trainIds = new TreeSet<>();
    private final Set<String> validationIds = new TreeSet<>();
    private long sourcePromptTokens;
    private long sourceCompletionTokens;
    private List<Path> outputs = List.of();

    DatasetCard(ExportSettings settings) {
        this.settings = settings;
    }

    void read(String sourceFile, Map<String, String> bindings, boolean simulatedResult) {
        sources.merge(sourceFile, 1L, Long::sum);
        resultsRead++;
        simulated |= simulatedResult;
        if (bindings != null) {
            bindings.forEach(
                    (role, binding) ->
                            models.computeIfAbsent(role, r -> new TreeSet<>()).add(binding));
        }
    }

    void skipped(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    void kept(String promptSet, long promptTokens, long completionTokens) {
        resultsKept++;
        promptSets.add(promptSet);
        sourcePromptTokens += promptTokens;
        sourceCompletionTokens += completionTokens;
    }

    void duplicate() {
        duplicates++;
    }

    void example(String id, boolean validation, long exampleTokens) {
        int part = validation ? 1 : 0;
        examples[part]++;
        tokens[part] += exampleTokens;
        (validation ? validationIds : trainIds).add(id);
    }

    void outputs(List<Path> files) {
        this.outputs = List.copyOf(files);
    }

    public boolean simulated() {
        return simulated;
    }

    public long trainExamples() {
        return examples[0];
    }

    public long validationExamples() {
        return examples[1];
    }

    public long duplicates() {
        return duplicates;
    }

    public long resultsKept() {
        return resultsKept;
    }

    /** The card as one JSON-ready map, in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("format", settings.format().key());
        card.put("role", settings.role().key());
        card.put("simulated", simulated);
        card.put("createdAt", Instant.now().toString());
        card.put("outputs", outputs.stream().map(Path::toString).toList());
        card.put("sources", sources);
        card.put("models", models);
        card.put("promptSets", promptSets);
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("keep", settings.keep().name().toLowerCase(Locale.ROOT));
        filters.put("minSteps", settings.minSteps());
        filters.put("dedupe", settings.dedupe());
        filters.put("validationFraction", settings.split().fraction());
        filters.put("metadata", settings.metadata().name().toLowerCase(Locale.ROOT));
        card.put("filters", filters);
        if (settings.format() == ExportFormat.TRL_PRM
                || settings.format() == ExportFormat.TRL_KTO) {
            Map<String, Object> rewards = new LinkedHashMap<>();
            Map<String, Double> perClass = new LinkedHashMap<>();
            for (Map.Entry<VerifierClass, Double> e : settings.rewards().perClass().entrySet()) {
                perClass.put(e.getKey().wireName(), e.getValue());
            }
            rewards.put("perClass", perClass);
            rewards.put("discountPerStep", settings.rewards().discount());
            card.put("rewards", rewards);
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("resultsRead", resultsRead);
        counts.put("resultsKept", resultsKept);
        counts.put("skipped", skipped);
        counts.put("duplicatesDropped", duplicates);
        counts.put("trainExamples", examples[0]);
        counts.put("validationExamples", examples[1]);
        counts.put("trainQuestions", trainIds.size());
        counts.put("validationQuestions", validationIds.size());
        card.put("counts", counts);
        Map<String, Object> tokenTotals = new LinkedHashMap<>();
        tokenTotals.put("train", tokens[0]);
        tokenTotals.put("validation", tokens[1]);
        tokenTotals.put("tokenizer", TokenCount.NAME);
        tokenTotals.put(
                "sourceUsage",
                Map.of(
                        "role", settings.role().key(),
                        "promptTokens", sourcePromptTokens,
                        "completionTokens", sourceCompletionTokens));
        card.put("tokens", tokenTotals);
        return card;
    }

    /** Writes {@code FILE.card.json} and {@code FILE.card.md} beside {@code output}. */
    void write(Path output) throws IOException {
        Map<String, Object> card = toMap();
        Files.writeString(jsonPath(output), pretty(card) + "\n", StandardCharsets.UTF_8);
        Files.writeString(markdownPath(output), markdown(card), StandardCharsets.UTF_8);
    }

    static Path jsonPath(Path output) {
        return output.resolveSibling(output.getFileName() + ".card.json");
    }

    static Path markdownPath(Path output) {
        return output.resolveSibling(output.getFileName() + ".card.md");
    }

    @SuppressWarnings("unchecked")
    private String markdown(Map<String, Object> card) {
        Map<String, Object> counts = (Map<String, Object>) card.get("counts");
        StringBuilder md = new StringBuilder();
        md.append("# Training data: ")
                .append(card.get("format"))
                .append(", ")
                .append(card.get("role"))
                .append("\n\n");
        if (simulated) {
            md.append(
                    "**SIMULATED.** These examples come from simulated models (Triad's oracle with"
                            + " configured error rates): they show the machinery works and are not"
                            + " training data from a real model. Every example's metadata says"
                            + " `\"simulated\": true`.\n\n");
        }
        md.append("Written by `triad export` at ").append(card.get("createdAt")).append(".\n\n");
        md.append("| | |\n| --- | --- |\n");
        row(md, "files", String.join(", ", (List<String>) card.get("outputs")));
        row(md, "source results", String.join(", ", sources.keySet()));
        row(md, "model bindings", models.toString());
        row(md, "prompt sets", String.join(", ", promptSets));
        row(md, "filters", card.get("filters").toString());
        if (card.containsKey("rewards")) {
            row(md, "rewards (per class, discount per step)", card.get("rewards").toString());
        }
        row(
                md,
                "results read / kept",
                counts.get("resultsRead") + " / " + counts.get("resultsKept"));
        row(md, "results left out", skipped.isEmpty() ? "none" : skipped.toString());
        row(md, "duplicate examples dropped", String.valueOf(duplicates));
        row(md, "examples (questions) train", examples[0] + " (" + trainIds.size() + ")");
        row(md, "examples (questions) validation", examples[1] + " (" + validationIds.size() + ")");
        row(
                md,
                "tokens train / validation",
                tokens[0] + " / " + tokens[1] + " (" + TokenCount.NAME + ")");
        row(
                md,
                "the " + settings.role().key() + "'s tokens in the kept runs",
                sourcePromptTokens
                        + " prompt, "
                        + sourceCompletionTokens
                        + " completion (as its model counted them)");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    private static String pretty(Object value) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the dataset card cannot be written as JSON", e);
        }
    }
}
