package dev.triad.jobs.demos;

import dev.triad.jobs.similar.EmbeddedQuestion;
import dev.triad.schemas.Demonstrations;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Gives each embedded question its worked examples, for {@code AsyncDataStream}: the {@code shots}
 * nearest solved examples of the pool by the cosine similarity of the questions' embeddings, none a
 * copy of the question ({@link PoolIndex#retrieve}). The pool is read and embedded once per
 * TaskManager JVM ({@link SharedPools}); until it is, questions wait in the async operator, and the
 * task thread never does. The search runs on the common fork-join pool.
 *
 * <p>Metrics (group {@code triad}): {@code demonstrationsShown} (examples put into questions) and
 * {@code demonstrationsSkipped} (pool examples passed over as copies of a question).
 */
public final class RetrieveDemonstrationsFunction
        extends RichAsyncFunction<EmbeddedQuestion, EmbeddedQuestion> {

    private static final long serialVersionUID = 1L;

    private final DemonstrationSettings settings;
    private transient SharedPools.Lease lease;
    private transient Counter shown;
    private transient Counter skipped;

    /** A function retrieving as {@code settings} say. */
    public RetrieveDemonstrationsFunction(DemonstrationSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        lease = SharedPools.acquire(settings);
        MetricGroup triad = getRuntimeContext().getMetricGroup().addGroup("triad");
        shown = triad.counter("demonstrationsShown", new ThreadSafeSimpleCounter());
        skipped = triad.counter("demonstrationsSkipped", new ThreadSafeSimpleCounter());
    }

    @Override
    public void asyncInvoke(EmbeddedQuestion in, ResultFuture<EmbeddedQuestion> result) {
        lease.index()
                .thenApplyAsync(
                        index ->
                                index.retrieve(
                                        in.question().text(),
                                        in.vector(),
                                        settings.shots(),
                                        settings.cut()),
                        ForkJoinPool.commonPool())
                .whenComplete(
                        (Demonstrations found, Throwable failure) -> {
                            if (failure != null) {
                                result.completeExceptionally(failure);
                                return;
                            }
                            shown.inc(found.examples().size());
                            skipped.inc(found.skipped());
                            result.complete(
                                    List.of(
                                            new EmbeddedQuestion(
                                                    in.question().withDemonstrations(found),
                                                    in.vector())));
                        });
    }

    @Override
    public void timeout(EmbeddedQuestion in, ResultFuture<EmbeddedQuestion> result) {
        result.completeExceptionally(
                new TimeoutException(
                        "Retrieving worked examples for question '"
                                + in.question().id()
                                + "' from "
                                + settings.poolAsGiven()
                                + " did not finish in time: embedding the pool with "
                                + settings.embedding()
                                + " takes too long on this TaskManager (see its CPU), or it is"
                                + " stuck. Use a smaller pool."));
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
