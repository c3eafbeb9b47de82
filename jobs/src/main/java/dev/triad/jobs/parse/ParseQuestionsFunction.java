package dev.triad.jobs.parse;

import dev.triad.jobs.io.SourceLine;
import dev.triad.schemas.DeadLetter;
import dev.triad.serde.JsonTypeInfo;
import java.util.Objects;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link QuestionParser} on every line: questions go to the main output, dead letters to
 * {@link #DEAD_LETTERS}. Never fails on a bad record.
 *
 * <p>With a limit, only the first {@code limit} questions are kept; lines after the one that
 * reached it are dropped. The count is operator state, so it survives a restore. The limit is only
 * deterministic when this function runs at parallelism 1 (reading and parsing are cheap next to
 * reasoning, so {@code TriadJob} always runs it so).
 */
public final class ParseQuestionsFunction extends ProcessFunction<SourceLine, ParsedQuestion>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ParseQuestionsFunction.class);

    /** Side output of lines that could not become questions. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", JsonTypeInfo.DEAD_LETTER);

    /** No limit. */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    private final QuestionParser parser;
    private final long limit;

    private transient ListState<Long> emittedState;
    private transient long emitted;

    /**
     * @param parser parse, map and validate
     * @param limit keep at most this many questions ({@link #NO_LIMIT} for all)
     */
    public ParseQuestionsFunction(QuestionParser parser, long limit) {
        this.parser = Objects.requireNonNull(parser, "parser");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    @Override
    public void processElement(SourceLine line, Context ctx, Collector<ParsedQuestion> out) {
        if (emitted >= limit) {
            return;
        }
        QuestionParser.Outcome outcome = parser.parse(line);
        if (outcome.question() != null) {
            out.collect(outcome.question());
            emitted++;
            if (emitted == limit) {
                LOG.info(
                        "Limit of {} questions reached at {}; later lines are skipped",
                        limit,
                        line.source());
            }
        } else if (outcome.deadLetter() != null) {
            LOG.debug("Dead letter at {}: {}", line.source(), outcome.deadLetter().stage());
            ctx.output(DEAD_LETTERS, outcome.deadLetter());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        emittedState.update(java.util.List.of(emitted));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        emittedState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("questions-emitted", Types.LONG));
        emitted = 0;
        for (Long value : emittedState.get()) {
            emitted += value;
        }
    }
}
