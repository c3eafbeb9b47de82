package dev.triad.reasoning;

import dev.triad.schemas.Result;
import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/** Creates {@link ReasoningOperator}s, handing each the task's mailbox executor. */
@Internal
public final class ReasoningOperatorFactory extends AbstractStreamOperatorFactory<Result>
        implements OneInputStreamOperatorFactory<ReasoningTask, Result> {

    private static final long serialVersionUID = 1L;

    private final ReasoningConfig config;

    ReasoningOperatorFactory(ReasoningConfig config) {
        this.config = config;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<Result>> T createStreamOperator(
            StreamOperatorParameters<Result> parameters) {
        return (T) new ReasoningOperator(parameters, config);
    }

    @Override
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return ReasoningOperator.class;
    }
}
