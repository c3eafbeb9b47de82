package dev.triad.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Embeds single texts asynchronously, in batches: {@link #embed(String)} queues a text and returns
 * a future at once; {@link EmbeddingSettings#predictors()} worker threads each take what is queued
 * (up to {@link EmbeddingSettings#batchSize()} texts) as one model call and complete the futures.
 *
 * <p>Batches form on their own, without a linger timer: while a worker is busy the queue fills, so
 * under load every call is a full batch, and a lone text is embedded at once. Callers (a Flink
 * async function on its task thread) never block; the queue is unbounded, and Flink's async
 * operator bounds what is in flight by its capacity.
 */
public final class EmbeddingBatcher implements AutoCloseable {

    private record Pending(String text, CompletableFuture<float[]> future) {}

    private final SentenceEmbedder embedder;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Starts the workers over a loaded model; {@link #close()} stops them and closes the model. */
    public EmbeddingBatcher(SentenceEmbedder embedder) {
        this.embedder = embedder;
        for (int i = 0; i < embedder.settings().predictors(); i++) {
            Thread worker = new Thread(this::work, "triad-embedder-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /** The model behind it. */
    public SentenceEmbedder embedder() {
        return embedder;
    }

    /**
     * Queues a text; the future completes with its unit-length vector, or exceptionally with an
     * {@link EmbeddingException} when the model call fails or the batcher is closed.
     */
    public CompletableFuture<float[]> embed(String text) {
        CompletableFuture<float[]> future = new CompletableFuture<>();
        if (closed.get()) {
            future.completeExceptionally(closedException());
            return future;
        }
        queue.add(new Pending(text, future));
        return future;
    }

    private void work() {
        int max = embedder.settings().batchSize();
        List<Pending> batch = new ArrayList<>(max);
        while (!closed.get()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, max - 1);
                embedBatch(batch);
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        failQueued();
    }

    private void embedBatch(List<Pending> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            texts.add(p.text());
        }
        List<float[]> vectors;
        try {
            vectors = embedder.embed(texts);
        } catch (RuntimeException e) {
            for (Pending p : batch) {
                p.future().completeExceptionally(e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future().complete(vectors.get(i));
        }
    }

    private void failQueued() {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.future().completeExceptionally(closedException());
        }
    }

    private static EmbeddingException closedException() {
        return new EmbeddingException("The embedding batcher is closed", null);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failQueued();
        embedder.close();
    }
}
