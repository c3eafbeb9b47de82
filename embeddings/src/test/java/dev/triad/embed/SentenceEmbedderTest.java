package dev.triad.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled all-MiniLM-L6-v2 through DJL, offline: vectors, batching, errors, no network. */
class SentenceEmbedderTest {

    /** The build's cache folder (surefire sets triad.cache.dir), so the model is copied once. */
    static final Path CACHE = EmbeddingSettings.defaultCacheFolder();

    private static final List<URI> CONNECTIONS = new ArrayList<>();
    private static ProxySelector previous;
    private static SentenceEmbedder embedder;

    @BeforeAll
    static void load() {
        // Every HttpURLConnection asks the default ProxySelector first: DJL's call home would be
        // recorded here before any socket opened.
        previous = ProxySelector.getDefault();
        ProxySelector.setDefault(
                new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        synchronized (CONNECTIONS) {
                            CONNECTIONS.add(uri);
                        }
                        return List.of(Proxy.NO_PROXY);
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress sa, IOException e) {}
                });
        embedder =
                SentenceEmbedder.load(
                        EmbeddingSettings.builder().cacheFolder(CACHE).batchSize(4).build());
    }

    @AfterAll
    static void close() {
        embedder.close();
        ProxySelector.setDefault(previous);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @Test
    void vectorsHaveUnitLengthAndTheModelsDimensions() {
        List<float[]> vectors = embedder.embed(List.of("What is 12 times 7?", "Hello"));
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(vectors).hasSize(2);
        for (float[] v : vectors) {
            assertThat(v).hasSize(384);
            assertThat(cosine(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedQuestion() {
        List<float[]> v =
                embedder.embed(
                        List.of(
                                "Tom has 5 apples and buys 3 more. How many apples does he have?",
                                "Tom had 5 apples and bought 3 more apples. How many apples does"
                                        + " Tom have now?",
                                "A train travels 60 miles per hour for 2 hours. How far does it"
                                        + " go?"));
        double paraphrase = cosine(v.get(0), v.get(1));
        double unrelated = cosine(v.get(0), v.get(2));
        assertThat(paraphrase).isGreaterThan(0.9);
        assertThat(unrelated).isLessThan(0.5);
    }

    @Test
    void batchesGiveTheSameVectorsAsSingleSentences() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.add("Question number " + i + " asks about " + "many ".repeat(i) + "apples.");
        }
        List<float[]> batched = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = embedder.embed(List.of(texts.get(i))).get(0);
            assertThat(cosine(batched.get(i), single)).isGreaterThan(0.9999);
        }
    }

    @Test
    void theBatcherCompletesEveryQueuedTextWithItsOwnVector() throws Exception {
        EmbeddingSettings settings =
                EmbeddingSettings.builder().cacheFolder(CACHE).batchSize(8).predictors(2).build();
        try (EmbeddingBatcher batcher = new EmbeddingBatcher(SentenceEmbedder.load(settings))) {
            List<String> texts = new ArrayList<>();
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String text = "How many marbles are left after giving away " + i + "?";
                texts.add(text);
                futures.add(batcher.embed(text));
            }
            List<float[]> direct = embedder.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(cosine(futures.get(i).get(), direct.get(i))).isGreaterThan(0.9999);
            }
            batcher.close();
            assertThat(batcher.embed("after close"))
                    .failsWithin(java.time.Duration.ZERO)
                    .withThrowableThat()
                    .withMessageContaining("closed");
        }
    }

    @Test
    void noConnectionLeavesTheMachine() {
        embedder.embed(List.of("one more sentence after loading"));
        synchronized (CONNECTIONS) {
            assertThat(CONNECTIONS).isEmpty();
        }
    }

    @Test
    void aFolderWithoutTheModelFileNamesTheFileAndWhatIsExpected(@TempDir Path folder)
            throws IOException {
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(
                        () ->
                                SentenceEmbedder.load(
                                        EmbeddingSettings.builder()
                                                .cacheFolder(CACHE)
                                                .modelFolder(folder)
                                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("no model.onnx")
                .hasMessageContaining("sentence-transformers");
    }

    @Test
    void aFileThatIsNotAnOnnxModelIsRejectedNamingTheFolder(@TempDir Path folder)
            throws IOException {
        Files.writeString(folder.resolve("model.onnx"), "not a model");
        Files.copy(
                BundledModel.folder(CACHE).resolve("tokenizer.json"),
                folder.resolve("tokenizer.json"));
        assertThatThrownBy(
                        () ->
                                SentenceEmbedder.load(
                                        EmbeddingSettings.builder()
                                                .cacheFolder(CACHE)
                                                .modelFolder(folder)
                                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("cannot be loaded");
    }

    @Test
    void settingsNameTheValueThatIsWrong() {
        assertThatThrownBy(() -> EmbeddingSettings.builder().batchSize(0).build())
                .hasMessage("embedding batch size must be at least 1, was 0");
    }
}
