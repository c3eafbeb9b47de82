package dev.triad.reasoning;

import dev.triad.schemas.Question;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Turns each question into one {@link ReasoningTask} per strategy, so results pair up for A/B. */
final class StrategyFanOut implements FlatMapFunction<Question, ReasoningTask> {

    private static final long serialVersionUID = 1L;

    private final List<String> strategies;

    StrategyFanOut(List<String> strategies) {
        this.strategies = List.copyOf(strategies);
    }

    @Override
    public void flatMap(Question question, Collector<ReasoningTask> out) {
        for (String strategy : strategies) {
            out.collect(new ReasoningTask(question, strategy));
        }
    }
}
