package dev.triad.jobs.similar;

import dev.triad.embed.EmbeddingSettings;
import dev.triad.embed.SharedEmbedders;
import dev.triad.schemas.Question;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Embeds each question's text with an in-process model, for {@code AsyncDataStream}: {@link
 * #asyncInvoke} queues the text on the JVM's shared {@link dev.triad.embed.EmbeddingBatcher} and
 * returns at once, so the task thread never waits for the model; the batcher's threads complete the
 * result future. The model is loaded once per TaskManager JVM and shared by its subtasks ({@link
 * SharedEmbedders}), whose texts fill the same batches.
 */
public final class EmbedQuestionsFunction extends RichAsyncFunction<Question, EmbeddedQuestion> {

    private static final long serialVersionUID = 1L;

    private final EmbeddingSettings settings;
    private transient SharedEmbedders.Lease lease;

    /** A function embedding with this model. */
    public EmbedQuestionsFunction(EmbeddingSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        lease = SharedEmbedders.acquire(settings);
    }

    @Override
    public void asyncInvoke(Question question, ResultFuture<EmbeddedQuestion> result) {
        lease.batcher()
                .embed(question.text())
                .whenComplete(
                        (vector, failure) -> {
                            if (failure == null) {
                                result.complete(List.of(new EmbeddedQuestion(question, vector)));
                            } else {
                                result.completeExceptionally(failure);
                            }
                        });
    }

    @Override
    public void timeout(Question question, ResultFuture<EmbeddedQuestion> result) {
        result.completeExceptionally(
                new TimeoutException(
                        "Embedding question '"
                                + question.id()
                                + "' with "
                                + settings
                                + " did not finish in time; the model is too slow for this"
                                + " input rate (see the TaskManager's CPU) or stuck."));
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
