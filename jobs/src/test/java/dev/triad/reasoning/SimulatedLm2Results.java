package dev.triad.reasoning;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModelBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * lm2 results of generated problems, made by the reasoning operator with the simulated oracle at
 * realistic error rates (so steps are rejected, written again after feedback, and some questions
 * end wrong), cot beside them: {@code simulated} is true in every one, as in a real simulated run.
 * In this package for {@link Reasoning#operatorFactory()}; used by the export tests.
 */
public final class SimulatedLm2Results {

    private SimulatedLm2Results() {}

    /** The results of {@code count} problems of {@code seed}, in the order they finished. */
    public static List<Result> of(int count, long seed) throws Exception {
        ModelBinding sim = new PlainSettings(SimulatedModelBinding.forProfile("zero", seed));
        Reasoning reasoning =
                Reasoning.builder()
                        .strategies(List.of("lm2", "cot"))
                        .model(Role.DECOMPOSER, sim)
                        .model(Role.SOLVER, sim)
                        .model(Role.VERIFIER, sim)
                        .build();
        ProblemGenerator problems = new ProblemGenerator(seed);
        try (var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        reasoning.operatorFactory(), ReasoningTask::key, Types.STRING)) {
            harness.open();
            for (int i = 0; i < count; i++) {
                harness.processElement(new ReasoningTask(problems.problem(i), "lm2"), 0);
                harness.processElement(new ReasoningTask(problems.problem(i), "cot"), 0);
            }
            TaskMailbox mailbox = harness.getTaskMailbox();
            while (harness.extractOutputValues().size() < 2 * count) {
                mailbox.take(TaskMailbox.MIN_PRIORITY).run();
            }
            return new ArrayList<>(harness.extractOutputValues());
        }
    }

    /** Writes {@code results} as a results.jsonl file. */
    public static Path write(List<Result> results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Result result : results) {
            lines.add(Json.write(result));
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * The simulated binding with its settings in a plain map: the test harness copies each result
     * with Kryo, which cannot copy the unmodifiable map the binding hands out.
     */
    private record PlainSettings(SimulatedModelBinding sim) implements ModelBinding {
        @Override
        public AsyncChatModel open(int subtaskIndex) {
            return sim.open(subtaskIndex);
        }

        @Override
        public String describe() {
            return sim.describe();
        }

        @Override
        public boolean simulated() {
            return true;
        }

        @Override
        public Map<String, Object> settings() {
            return new TreeMap<>(sim.settings());
        }
    }
}
