package dev.triad.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.model.openai.StructuredOutput;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gguf:} specs, and the one loaded model per JVM that subtasks share, with {@code
 * tiny-arith.gguf} of the shared folder ({@code ../shared/models/SOURCE.txt}).
 */
class GgufBindingTest {

    @TempDir Path dir;

    /** The shared folder's test model that answers "What is 12 times 7?" with "84". */
    static Path tinyArith() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path model = d.resolveSibling("shared").resolve("models/tiny-arith.gguf");
            if (Files.isRegularFile(model)) {
                return model;
            }
        }
        throw new IllegalStateException(
                "tiny-arith.gguf is not in ../shared/models/ above " + dir + " (see SOURCE.txt)");
    }

    @Test
    void parsesEveryParameterAndPrintsOnlyThoseUnlikeTheDefaults() {
        Path model = tinyArith();
        GgufBinding b =
                GgufBinding.parse(
                        "gguf:"
                                + model
                                + "?threads=3&ctx=512&slots=4&concurrency=2&queue=8"
                                + "&max-chars=20&max-items=2&max-tokens=64&seed=7");

        assertThat(b.file()).isEqualTo(model.toAbsolutePath().normalize());
        assertThat(b.threads()).isEqualTo(3);
        assertThat(b.contextPerSlot()).isEqualTo(512);
        assertThat(b.slots()).isEqualTo(4);
        assertThat(b.concurrency()).isEqualTo(2);
        assertThat(b.queue()).isEqualTo(8);
        assertThat(b.structured()).isEqualTo(StructuredOutput.JSON_SCHEMA);
        assertThat(b.maxChars()).isEqualTo(20);
        assertThat(b.maxItems()).isEqualTo(2);
        assertThat(b.maxTokens()).isEqualTo(64);
        assertThat(b.seed()).isEqualTo(7);
        assertThat(GgufBinding.parse(b.describe())).isEqualTo(b);
        assertThat(b.simulated()).isFalse();

        GgufBinding defaults = GgufBinding.parse(model.toString());
        assertThat(defaults.describe()).isEqualTo("gguf:" + model.toAbsolutePath().normalize());
        assertThat(defaults.slots()).isEqualTo(GgufBinding.DEFAULT_SLOTS);
        assertThat(defaults.concurrency()).isEqualTo(GgufBinding.DEFAULT_SLOTS);
        assertThat(GgufBinding.parse(model + "?slots=5").concurrency()).isEqualTo(5);
    }

    @Test
    void aMissingFileIsRefusedNamingItAndWhatIsExpected() {
        Path missing = dir.resolve("nope.gguf");
        assertThatThrownBy(() -> GgufBinding.parse("gguf:" + missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the model file " + missing + " does not exist")
                .hasMessageContaining("GGUF chat model");
        assertThatThrownBy(() -> GgufBinding.parse("gguf:?threads=2"))
                .hasMessageContaining("the path of a GGUF file is missing");
    }

    @Test
    void aFileThatIsNotGgufIsRefused() throws Exception {
        Path onnx = Files.writeString(dir.resolve("model.onnx"), "not a gguf file");
        assertThatThrownBy(() -> GgufBinding.parse(onnx.toString()))
                .hasMessageContaining("the model file " + onnx + " is not a GGUF file");
    }

    @Test
    void unknownParametersAndBadValuesAreRefused() {
        Path model = tinyArith();
        assertThatThrownBy(() -> GgufBinding.parse(model + "?gpu-layers=10"))
                .hasMessage(
                        "unknown parameter 'gpu-layers'; gguf: bindings take threads, ctx, slots,"
                                + " concurrency, queue, structured, max-chars, max-items,"
                                + " max-tokens and seed");
        assertThatThrownBy(() -> GgufBinding.parse(model + "?threads=many"))
                .hasMessage(
                        "gguf: threads must be a whole number, was 'many'; write e.g. threads=0");
        assertThatThrownBy(() -> GgufBinding.parse(model + "?slots=0"))
                .hasMessageContaining("slots must be between 1 and 256");
        assertThatThrownBy(() -> GgufBinding.parse(model + "?ctx=10"))
                .hasMessageContaining("ctx must be at least 64 tokens per slot");
        assertThatThrownBy(() -> GgufBinding.parse(model + "?structured=off&max-chars=5"))
                .hasMessageContaining("only structured=json_schema uses");
    }

    @Test
    void theBindingIsASmallRecipeThatLoadsNothingUntilOpened() throws Exception {
        GgufBinding b = GgufBinding.parse(tinyArith() + "?threads=1&ctx=256&slots=1&seed=3");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        assertThat(bytes.size()).isLessThan(2_000);
        assertThat(LlamaCppEngine.references(b.engineSettings())).isZero();
    }

    @Test
    void subtasksShareOneLoadedModelThatTheLastCloseFrees() throws Exception {
        GgufBinding b = GgufBinding.parse(tinyArith() + "?threads=1&ctx=256&slots=2&seed=1");
        LlamaCppEngine.Settings settings = b.engineSettings();
        LlamaCppChatModel first = (LlamaCppChatModel) b.open(0, 2);
        LlamaCppChatModel second = (LlamaCppChatModel) b.open(1, 2);
        assertThat(LlamaCppEngine.references(settings)).isEqualTo(2);

        ModelRequest question =
                new ModelRequest(
                        Role.SOLVER, List.of(ChatMessage.user("What is 12 times 7?")), 0, 8, null);
        ModelCompletion a = first.complete(question).get(60, TimeUnit.SECONDS);
        ModelCompletion c = second.complete(question).get(60, TimeUnit.SECONDS);
        assertThat(a.text()).isEqualTo("84");
        assertThat(c.text()).isEqualTo("84");
        assertThat(a.endpoint()).isEqualTo("gguf:tiny-arith.gguf");
        assertThat(a.promptTokens()).isPositive();
        // "8", "4" and <|im_end|>: the byte-level tokenizer, counted as llama-server counts them.
        assertThat(a.completionTokens()).isEqualTo(3);

        first.close();
        first.released().get(30, TimeUnit.SECONDS);
        assertThat(LlamaCppEngine.references(settings)).isEqualTo(1);
        CompletableFuture<ModelCompletion> afterClose = first.complete(question);
        assertThat(afterClose)
                .failsWithin(1, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(ModelCallException.class)
                .withMessageContaining("closed");
        assertThat(second.complete(question).get(60, TimeUnit.SECONDS).text()).isEqualTo("84");

        second.close();
        second.released().get(30, TimeUnit.SECONDS);
        assertThat(LlamaCppEngine.references(settings)).isZero();
    }

    @Test
    void aPromptLongerThanTheSlotFailsTheCallSayingWhatToRaise() throws Exception {
        GgufBinding b = GgufBinding.parse(tinyArith() + "?threads=1&ctx=64&slots=1");
        try (AsyncChatModel model = b.open(0, 1)) {
            ModelRequest tooLong =
                    new ModelRequest(
                            Role.SOLVER,
                            List.of(ChatMessage.user("What is 1 plus 1? ".repeat(20))),
                            0,
                            8,
                            null);
            assertThat(model.complete(tooLong))
                    .failsWithin(60, TimeUnit.SECONDS)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(ModelCallException.class)
                    .withMessageContaining("raise ctx=");
        }
    }
}
