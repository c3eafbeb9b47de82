package dev.triad.jobs.parse;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Question;
import dev.triad.serde.JsonTypeInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by question id: lets the first question with an id through and turns every later one into a
 * dead letter (stage {@code dedupe}) that names where the first one came from.
 *
 * <p>State: one string per distinct id (the first one's {@code file:line}), kept for the whole run,
 * so a watched folder that runs for a long time keeps every id it has seen.
 */
public final class DedupeFunction extends KeyedProcessFunction<String, ParsedQuestion, Question> {

    private static final long serialVersionUID = 1L;

    /** The stage of duplicate-id dead letters. */
    public static final String DEDUPE = "dedupe";

    /** Side output of duplicates. */
    public static final OutputTag<DeadLetter> DUPLICATES =
            new OutputTag<>("duplicates", JsonTypeInfo.DEAD_LETTER);

    private transient ValueState<String> firstSeenAt;

    @Override
    public void open(OpenContext openContext) {
        firstSeenAt =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("first-seen-at", Types.STRING));
    }

    @Override
    public void processElement(ParsedQuestion parsed, Context ctx, Collector<Question> out)
            throws Exception {
        String first = firstSeenAt.value();
        if (first == null) {
            firstSeenAt.update(parsed.source());
            out.collect(parsed.question());
            return;
        }
        ctx.output(
                DUPLICATES,
                new DeadLetter(
                        parsed.raw(),
                        parsed.source()
                                + ": duplicate id '"
                                + parsed.question().id()
                                + "' within this run; the first question with this id ("
                                + first
                                + ") is the one processed. Give every record its own id.",
                        DEDUPE,
                        parsed.source()));
    }
}
