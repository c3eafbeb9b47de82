package dev.triad.embed;

import java.util.HashMap;
import java.util.Map;

/**
 * One {@link EmbeddingBatcher} per JVM and settings, shared by every user in the JVM (the subtasks
 * of a TaskManager), so the model is loaded once and its batches fill from all of them. Counted:
 * the last {@link Lease#close()} closes the model.
 */
public final class SharedEmbedders {

    private static final Map<EmbeddingSettings, Entry> SHARED = new HashMap<>();

    private static final class Entry {
        final EmbeddingBatcher batcher;
        int users;

        Entry(EmbeddingBatcher batcher) {
            this.batcher = batcher;
        }
    }

    private SharedEmbedders() {}

    /** A use of a shared batcher; close it when done. */
    public static final class Lease implements AutoCloseable {
        private final EmbeddingSettings settings;
        private final EmbeddingBatcher batcher;
        private boolean released;

        private Lease(EmbeddingSettings settings, EmbeddingBatcher batcher) {
            this.settings = settings;
            this.batcher = batcher;
        }

        /** The shared batcher. */
        public EmbeddingBatcher batcher() {
            return batcher;
        }

        @Override
        public void close() {
            synchronized (SHARED) {
                if (released) {
                    return;
                }
                released = true;
                Entry entry = SHARED.get(settings);
                if (entry != null && --entry.users == 0) {
                    SHARED.remove(settings);
                    entry.batcher.close();
                }
            }
        }
    }

    /**
     * The batcher for these settings, loading the model when this JVM has none loaded with them.
     * Loading happens under a lock, so concurrent first users wait for one load.
     */
    public static Lease acquire(EmbeddingSettings settings) {
        synchronized (SHARED) {
            Entry entry = SHARED.get(settings);
            if (entry == null) {
                entry = new Entry(new EmbeddingBatcher(SentenceEmbedder.load(settings)));
                SHARED.put(settings, entry);
            }
            entry.users++;
            return new Lease(settings, entry.batcher);
        }
    }

    /** How many models are loaded in this JVM (for tests). */
    static int loaded() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }
}
