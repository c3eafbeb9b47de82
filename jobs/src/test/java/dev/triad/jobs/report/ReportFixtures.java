package dev.triad.jobs.report;

import dev.triad.jobs.eval.EvalReport;
import dev.triad.jobs.eval.Evaluation;
import dev.triad.jobs.eval.PairedComparison;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.schemas.Json;
import dev.triad.schemas.ModelIdentity;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import dev.triad.schemas.Step;
import dev.triad.schemas.Verdict;
import dev.triad.schemas.VerifierClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Results files for report tests: lm2 and cot with gold answers, and a labeling run. */
final class ReportFixtures {

    /** A subquestion that would break out of a script element or inject markup if not escaped. */
    static final String HOSTILE =
            "</script><script>window.pwned=1</script><img src=\"https://example.com/x.png\">";

    private ReportFixtures() {}

    /** 40 questions, lm2 and cot, with gold; lm2 has verifier steps and regenerations. */
    static Path twoStrategiesWithGold(Path dir, boolean simulated) throws IOException {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String gold = Integer.toString(i * 3);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("level", Integer.toString(1 + i % 3));
            meta.put("type", i % 2 == 0 ? "Addition" : "Subtraction");
            boolean lm2Right = i % 5 != 0;
            boolean cotRight = i % 3 != 0;
            List<Step> steps = new ArrayList<>();
            steps.add(
                    new Step(
                            1,
                            1,
                            i == 7 ? HOSTILE : "How many apples are there at first?",
                            "12",
                            new Verdict(
                                    VerifierClass.COMPUTATIONAL_MISTAKE,
                                    "12 should be 13 & <b>not</b> 12"),
                            false,
                            i == 7 ? "raw reply <script>alert(1)</script>" : null));
            steps.add(
                    new Step(
                            1,
                            2,
                            "How many apples are there at first?",
                            "13",
                            new Verdict(VerifierClass.NO_MISTAKE, "correct"),
                            true,
                            null));
            steps.add(
                    new Step(
                            2,
                            1,
                            "How many are left?",
                            gold,
                            new Verdict(VerifierClass.NO_MISTAKE, null),
                            true,
                            null));
            results.add(
                    result(
                            "q-" + i,
                            "lm2",
                            lm2Right ? gold : "999",
                            gold,
                            simulated,
                            List.of("subtraction"),
                            steps,
                            Map.of(
                                    "decomposer", new RoleUsage(3, 300, 40, 100, 90),
                                    "solver", new RoleUsage(3, 500, 60, 200, 300),
                                    "verifier", new RoleUsage(3, 450, 50, 0, 120)),
                            400 + 17L * i,
                            meta));
            results.add(
                    result(
                            "q-" + i,
                            "cot",
                            cotRight ? gold : "1000",
                            gold,
                            simulated,
                            null,
                            List.of(),
                            Map.of("solver", new RoleUsage(1, 150, 30, 0, 200 + i)),
                            210 + 5L * i,
                            meta));
        }
        return write(dir.resolve("results.jsonl"), results);
    }

    /** 12 questions, lm2 only, no gold answers. */
    static Path labelingRun(Path dir) throws IOException {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            results.add(
                    result(
                            "label-" + i,
                            "lm2",
                            Integer.toString(i),
                            null,
                            false,
                            List.of("counting"),
                            List.of(
                                    new Step(
                                            1,
                                            1,
                                            "Count <them>",
                                            Integer.toString(i),
                                            new Verdict(VerifierClass.NO_MISTAKE, "ok"),
                                            true,
                                            null)),
                            Map.of("solver", new RoleUsage(2, 200, 20, 0, 100)),
                            100 + i,
                            Map.of("source", "batch-" + (i % 2))));
        }
        return write(dir.resolve("results.jsonl"), results);
    }

    private static Result result(
            String id,
            String strategy,
            String answer,
            String gold,
            boolean simulated,
            List<String> concepts,
            List<Step> steps,
            Map<String, RoleUsage> usage,
            long latencyMs,
            Map<String, String> metadata) {
        Boolean correct = gold == null ? null : gold.equals(answer);
        Map<String, String> models = new LinkedHashMap<>();
        usage.keySet().forEach(role -> models.put(role, simulated ? "sim:default" : "openai:x"));
        Map<String, ModelIdentity> identities = new LinkedHashMap<>();
        usage.keySet().forEach(role -> identities.put(role, REAL_MODEL));
        return Result.builder()
                .id(id)
                .strategy(strategy)
                .status(Status.SOLVED)
                .answer(answer)
                .gold(gold)
                .correct(correct)
                .simulated(simulated)
                .models(models)
                .concepts(concepts)
                .steps(steps)
                .usage(usage)
                .latencyMs(latencyMs)
                .metadata(metadata)
                .finishedAt(FIRST_FINISH + latencyMs)
                .prompts(PromptSetIdentity.builtIn("v1"))
                .modelIdentity(simulated ? null : identities)
                .build();
    }

    /** The weights every role of a real run's fixtures names. */
    static final ModelIdentity REAL_MODEL =
            new ModelIdentity("m.gguf", "0f".repeat(32), "vllm-0.6");

    /** When the fixtures' questions end: one run, a second or so long. */
    private static final long FIRST_FINISH = 1_764_000_000_000L;

    private static Path write(Path file, List<Result> results) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> lines = results.stream().map(Json::write).toList();
        Files.write(file, lines);
        return file;
    }

    /** Evaluates a results file with eval's defaults. */
    static EvalReport evaluate(Path results) throws Exception {
        return new Evaluation(
                        List.of(), List.of(), null, new PairedComparison.Bootstrap(1000, 42, 0.95))
                .evaluate(ResultFiles.read(List.of(results), "RESULTS"));
    }

    /** The page for a results file. */
    static String render(Path results) throws Exception {
        return HtmlReport.render(evaluate(results), HtmlReport.readResults(List.of(results)));
    }
}
