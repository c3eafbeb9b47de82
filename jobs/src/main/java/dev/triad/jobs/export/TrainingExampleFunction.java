package dev.triad.jobs.export;

import dev.triad.reasoning.PromptSet;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training examples of each result as it is committed by the reasoning operator: {@code run
 * --export}'s streaming form of {@code triad export}, with the same filter, examples and split
 * (duplicates are not dropped across results; the dataset card counts them). A result it cannot
 * export (no lm2 trace) is skipped with a WARN, never a job failure.
 */
public final class TrainingExampleFunction extends RichFlatMapFunction<Result, ExampleLine> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(TrainingExampleFunction.class);

    private final ExportSettings settings;
    private transient TrainingExamples examples;
    private transient QuestionFilter filter;

    private final PromptSet prompts;

    /**
     * @param prompts the run's prompt set (its templates travel with the function), which every
     *     result of the run names
     */
    public TrainingExampleFunction(ExportSettings settings, PromptSet prompts) {
        this.settings = settings;
        this.prompts = prompts;
    }

    @Override
    public void open(OpenContext context) {
        examples = new TrainingExamples(settings, CallRenderer.with(prompts));
        filter = new QuestionFilter(settings);
    }

    @Override
    public void flatMap(Result result, Collector<ExampleLine> out) {
        if (filter.reasonToSkip(result) != null) {
            return;
        }
        boolean validation = settings.split().validation(result.id());
        try {
            examples.of(result)
                    .forEach(
                            example ->
                                    out.collect(new ExampleLine(validation, Json.write(example))));
        } catch (IllegalArgumentException e) {
            LOG.warn("No training examples from result {}: {}", result.id(), e.getMessage());
        }
    }
}
