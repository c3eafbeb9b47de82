package dev.triad.model.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.embed.BundledModel;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code djl:} binding with the shared tiny-arith ONNX model (a test model that does small
 * arithmetic only): its answer, its times-table accuracy against the figure in {@code
 * models/SOURCE.txt}, and the error paths.
 */
class DjlChatModelTest {

    private static final Path SHARED = Path.of(System.getProperty("triad.shared.dir", "../shared"));
    private static final Path TINY = SHARED.resolve("models/tiny-arith-onnx");

    private static AsyncChatModel model;

    @BeforeAll
    static void open() {
        model = DjlChatBinding.parse("djl:" + TINY + "?engine=OnnxRuntime&max-tokens=8").open(0);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ModelRequest ask(String question) {
        return new ModelRequest(Role.SOLVER, List.of(ChatMessage.user(question)), 0.0, 8, null);
    }

    @Test
    void twelveTimesSevenIsEightyFour() throws Exception {
        ModelCompletion reply = model.complete(ask("What is 12 times 7?")).get();
        assertThat(reply.text()).isEqualTo("84");
        assertThat(reply.promptTokens()).isEqualTo(38); // MODEL.md's encoding of this prompt
        assertThat(reply.completionTokens()).isEqualTo(2);
    }

    @Test
    void theTimesTableAccuracyIsTheFigureInSourceTxt() throws Exception {
        String source = Files.readString(SHARED.resolve("models/SOURCE.txt"));
        Matcher figure = Pattern.compile("times (\\d+)/169").matcher(source);
        assertThat(figure.find()).as("SOURCE.txt states the times-table figure").isTrue();
        int expected = Integer.parseInt(figure.group(1));

        List<CompletableFuture<ModelCompletion>> replies = new ArrayList<>();
        List<Integer> products = new ArrayList<>();
        for (int a = 0; a <= 12; a++) {
            for (int b = 0; b <= 12; b++) {
                replies.add(
                        model.complete(
                                ask("What is " + a + " times " + b + "? Answer with a number.")));
                products.add(a * b);
            }
        }
        int correct = 0;
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i).get().text().strip().equals(String.valueOf(products.get(i)))) {
                correct++;
            }
        }
        assertThat(correct).isEqualTo(expected);
    }

    @Test
    void aMissingModelNamesThePathAndWhatIsExpected(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-model");
        assertThatThrownBy(() -> DjlChatBinding.parse("djl:" + missing).open(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining(".onnx");
    }

    @Test
    void aFolderWithoutTheTokenizerNamesTheMissingFile(@TempDir Path dir) throws Exception {
        Files.copy(TINY.resolve("tiny-arith.onnx"), dir.resolve("tiny-arith.onnx"));
        assertThatThrownBy(() -> DjlChatBinding.parse("djl:" + dir).open(0))
                .hasMessageContaining(dir.resolve("tokenizer.json").toString())
                .hasMessageContaining("is missing");
    }

    @Test
    void anEmbeddingModelIsRejectedAsUnsupportedNamingItsInputs() {
        Path minilm = BundledModel.folder(EmbeddingSettings.defaultCacheFolder());
        assertThatThrownBy(() -> DjlChatBinding.parse("djl:" + minilm).open(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(minilm.resolve("model.onnx").toString())
                .hasMessageContaining("attention_mask")
                .hasMessageContaining("Expected a causal language model");
    }

    @Test
    void specsNameWhatIsWrong() {
        assertThatThrownBy(() -> DjlChatBinding.parse("djl:m?engine=PyTorch"))
                .hasMessageContaining("engine 'PyTorch' is not supported");
        assertThatThrownBy(() -> DjlChatBinding.parse("djl:m?max-tokens=0"))
                .hasMessageContaining("max-tokens must be");
        assertThatThrownBy(() -> DjlChatBinding.parse("djl:"))
                .hasMessageContaining("needs a model path");
        assertThat(DjlChatBinding.parse("djl:" + TINY).describe())
                .isEqualTo("djl:" + TINY.toAbsolutePath().normalize() + "?engine=OnnxRuntime");
    }
}
