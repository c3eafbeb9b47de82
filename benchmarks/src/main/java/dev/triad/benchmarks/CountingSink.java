package dev.triad.benchmarks;

import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that discards its records and counts them into a run's {@link RunCounters}; a {@link
 * Result} that is not {@code SOLVED} is also counted as such. Counting is an uncontended {@code
 * LongAdder} increment per record, visible to the benchmark while the job runs.
 */
public final class CountingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final String runId;

    /** A sink counting into the run {@code runId} ({@link RunCounters#id()}). */
    public CountingSink(String runId) {
        this.runId = runId;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        RunCounters counters = RunCounters.get(runId);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                counters.records.increment();
                if (element instanceof Result result && result.status() != Status.SOLVED) {
                    counters.notSolved.increment();
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
