package dev.triad.jobs.demos;

import dev.triad.embed.EmbeddingBatcher;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.embed.NeighbourIndex;
import dev.triad.embed.SharedEmbedders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One indexed demonstration pool per JVM and pool, shared by every subtask in the JVM (the subtasks
 * of a TaskManager): the first {@link #acquire} starts reading and embedding the pool on a thread
 * of its own (through the JVM's shared embedder, so its batches are full), later ones get the same
 * future. Counted: the last {@link Lease#close()} forgets the pool.
 *
 * <p>The pool file is read again here and must still have the SHA-256 it had when the job was
 * built; otherwise the future fails, naming the file (the results would not say what was shown).
 */
public final class SharedPools {

    private static final Logger LOG = LoggerFactory.getLogger(SharedPools.class);

    /** What makes two pools the same: the file, its bytes, its mapping, the model, the search. */
    private record Key(
            String pool,
            String sha256,
            String mapping,
            EmbeddingSettings embedding,
            int exactUpTo) {}

    private static final Map<Key, Entry> SHARED = new HashMap<>();

    private static final class Entry {
        final SharedEmbedders.Lease embedder;
        final CompletableFuture<PoolIndex> index;
        int users;

        Entry(SharedEmbedders.Lease embedder, CompletableFuture<PoolIndex> index) {
            this.embedder = embedder;
            this.index = index;
        }
    }

    private SharedPools() {}

    /** A use of a shared pool; close it when done. */
    public static final class Lease implements AutoCloseable {
        private final Key key;
        private final Entry entry;
        private boolean released;

        private Lease(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        /** The pool's index, once it is read and embedded. */
        public CompletableFuture<PoolIndex> index() {
            return entry.index;
        }

        /** The JVM's shared embedder the pool was embedded with. */
        public EmbeddingBatcher batcher() {
            return entry.embedder.batcher();
        }

        @Override
        public void close() {
            synchronized (SHARED) {
                if (released) {
                    return;
                }
                released = true;
                if (--entry.users == 0) {
                    SHARED.remove(key);
                    entry.index.cancel(false);
                    entry.embedder.close();
                }
            }
        }
    }

    /**
     * The pool of {@code settings}, started reading and embedding when this JVM has none for it.
     * Loading the embedding model happens under a lock (as {@link SharedEmbedders} does); reading
     * and embedding the pool does not.
     */
    public static Lease acquire(DemonstrationSettings settings) {
        Key key =
                new Key(
                        settings.pool(),
                        settings.sha256(),
                        settings.mapping().name(),
                        settings.embedding(),
                        settings.exactUpTo());
        synchronized (SHARED) {
            Entry entry = SHARED.get(key);
            if (entry == null) {
                SharedEmbedders.Lease embedder = SharedEmbedders.acquire(settings.embedding());
                CompletableFuture<PoolIndex> index = new CompletableFuture<>();
                entry = new Entry(embedder, index);
                SHARED.put(key, entry);
                Thread builder =
                        new Thread(
                                () -> build(settings, embedder.batcher(), index),
                                "triad-demonstration-pool");
                builder.setDaemon(true);
                builder.start();
            }
            entry.users++;
            return new Lease(key, entry);
        }
    }

    /** Reads, checks, embeds and indexes the pool; completes {@code index} either way. */
    static void build(
            DemonstrationSettings settings,
            EmbeddingBatcher batcher,
            CompletableFuture<PoolIndex> index) {
        try {
            long started = System.nanoTime();
            DemonstrationPool read =
                    DemonstrationPool.read(Path.of(settings.pool()), settings.mapping());
            if (!read.sha256().equals(settings.sha256())) {
                throw new IllegalStateException(
                        "The demonstration pool "
                                + settings.pool()
                                + " changed after the job was built (sha256 "
                                + read.sha256()
                                + " now, "
                                + settings.sha256()
                                + " then); results would not say what was shown. Run again"
                                + " with the pool as it is now, and keep it unchanged while the"
                                + " job runs");
            }
            DemonstrationPool pool =
                    new DemonstrationPool(settings.poolAsGiven(), read.sha256(), read.examples());
            List<CompletableFuture<float[]>> pending = new ArrayList<>(pool.size());
            for (DemonstrationPool.Example example : pool.examples()) {
                pending.add(batcher.embed(example.demonstration().question()));
            }
            List<float[]> vectors = new ArrayList<>(pool.size());
            for (CompletableFuture<float[]> vector : pending) {
                vectors.add(vector.join());
            }
            PoolIndex built =
                    new PoolIndex(pool, NeighbourIndex.build(vectors, settings.exactUpTo()));
            LOG.info(
                    "Demonstration pool {} ({} examples) embedded and indexed ({}) in {} ms",
                    settings.poolAsGiven(),
                    pool.size(),
                    built.approximate() ? "HNSW" : "exact",
                    (System.nanoTime() - started) / 1_000_000);
            index.complete(built);
        } catch (Throwable t) {
            index.completeExceptionally(t);
        }
    }

    /** How many pools this JVM holds (for tests). */
    static int held() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }
}
