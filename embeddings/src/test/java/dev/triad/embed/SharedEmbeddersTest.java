package dev.triad.embed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One model per JVM and settings, closed with its last user. */
class SharedEmbeddersTest {

    @Test
    void usersOfTheSameSettingsShareOneModelUntilTheLastLeaves() throws Exception {
        EmbeddingSettings settings =
                EmbeddingSettings.builder()
                        .cacheFolder(EmbeddingSettings.defaultCacheFolder())
                        .batchSize(3)
                        .build();
        int before = SharedEmbedders.loaded();
        SharedEmbedders.Lease first = SharedEmbedders.acquire(settings);
        SharedEmbedders.Lease second = SharedEmbedders.acquire(settings);
        assertThat(second.batcher()).isSameAs(first.batcher());
        assertThat(SharedEmbedders.loaded()).isEqualTo(before + 1);

        first.close();
        first.close(); // a second close of one lease does not release the other's
        assertThat(second.batcher().embed("still open").get()).hasSize(384);

        second.close();
        assertThat(SharedEmbedders.loaded()).isEqualTo(before);
        assertThat(second.batcher().embed("closed now")).isCompletedExceptionally();
    }
}
