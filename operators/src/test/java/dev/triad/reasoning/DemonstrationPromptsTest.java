package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.ChatMessage;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worked examples in the decomposer's prompts: the built-in rendering (a {@code demonstrations}
 * field in the user JSON and a note ending the system message, only when the call carries them),
 * {@code {{demonstrations}}} as text in a folder's templates, and the check that a folder's
 * decomposer templates show them.
 */
class DemonstrationPromptsTest {

    @TempDir Path dir;

    private static final Demonstrations SHOWN =
            new Demonstrations(
                    "train.jsonl",
                    "cd".repeat(32),
                    List.of(
                            new Demonstration(
                                    "train.jsonl:1",
                                    "Natalia sold 48 clips in April and half as many in May.",
                                    List.of(
                                            "Natalia sold 48/2 = 24 clips in May.",
                                            "Natalia sold 48+24 = 72 clips altogether."),
                                    "72",
                                    0.81),
                            new Demonstration(
                                    "train.jsonl:2",
                                    "Weng earns $12 an hour. How much for 50 minutes?",
                                    List.of("Weng earns 12/60 = $0.2 per minute."),
                                    "10",
                                    0.74)),
                    1);

    private static QuestionState state(Demonstrations demonstrations) {
        QuestionState state = new QuestionState();
        state.question =
                new Question("q1", "Ann has 3 apples and buys 3 more. How many?", "6", null, null)
                        .withDemonstrations(demonstrations);
        state.strategy = "lm2";
        return state;
    }

    @Test
    void withoutDemonstrationsTheDecomposerCallsAreAsBefore() {
        Lm2Strategy lm2 = new Lm2Strategy(StrategySettings.from(new Configuration()));
        Map<String, Object> inputs = ((Decision.Call) lm2.start(state(null))).inputs();
        assertThat(inputs).containsOnlyKeys("question");
        assertThat(PromptSet.builtIn().render("lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs))
                .containsExactly(
                        ChatMessage.system(
                                PromptLibrary.template("lm2", Lm2Purpose.CONCEPTS_AND_FIRST)),
                        ChatMessage.user(Json.write(inputs)));
    }

    @Test
    void theBuiltInSetShowsThemAsAJsonFieldWithANoteInTheSystemMessage() {
        Lm2Strategy lm2 = new Lm2Strategy(StrategySettings.from(new Configuration()));
        Map<String, Object> inputs = ((Decision.Call) lm2.start(state(SHOWN))).inputs();
        assertThat(inputs.keySet()).containsExactly("question", "demonstrations");

        List<ChatMessage> chat =
                PromptSet.builtIn().render("lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs);

        assertThat(chat.get(0).content())
                .isEqualTo(
                        PromptLibrary.template("lm2", Lm2Purpose.CONCEPTS_AND_FIRST)
                                + "\n\n"
                                + PromptLibrary.demonstrationsNote());
        assertThat(chat.get(1).content())
                .isEqualTo(
                        "{\"question\":\"Ann has 3 apples and buys 3 more. How many?\","
                                + "\"demonstrations\":[{\"question\":\"Natalia sold 48 clips in"
                                + " April and half as many in May.\",\"steps\":[\"Natalia sold"
                                + " 48/2 = 24 clips in May.\",\"Natalia sold 48+24 = 72 clips"
                                + " altogether.\"],\"answer\":\"72\"},{\"question\":\"Weng earns"
                                + " $12 an hour. How much for 50 minutes?\",\"steps\":[\"Weng"
                                + " earns 12/60 = $0.2 per minute.\"],\"answer\":\"10\"}]}");
        // Ids and scores are for the record, not the model.
        assertThat(chat.get(1).content()).doesNotContain("train.jsonl", "0.81");
    }

    @Test
    void planSolvesPlanShowsThemTooButNotTheSolver() {
        PlanSolveStrategy plan = new PlanSolveStrategy(StrategySettings.from(new Configuration()));
        QuestionState state = state(SHOWN);
        state.strategy = "plan-solve";
        assertThat(((Decision.Call) plan.start(state)).inputs()).containsKey("demonstrations");
        assertThat(PlanSolvePurpose.ANSWER_SUBQUESTION.inputs())
                .doesNotContain(dev.triad.model.CallInput.DEMONSTRATIONS);
    }

    @Test
    void aFolderPlacesThemAsTextWithTheDemonstrationsPlaceholder() throws IOException {
        write(
                "lm2/decomposer-concepts.user.txt",
                "Worked examples:\n{{demonstrations}}\n\nNow this one: {{question}}");
        PromptSet set = PromptSet.load(dir);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("question", "Ann has 3 apples and buys 3 more. How many?");
        inputs.put("demonstrations", Inputs.demonstrations(SHOWN));

        List<ChatMessage> chat = set.render("lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs);

        // The folder's user message: no note is added to the built-in system message.
        assertThat(chat.get(0).content())
                .isEqualTo(PromptLibrary.template("lm2", Lm2Purpose.CONCEPTS_AND_FIRST));
        assertThat(chat.get(1).content())
                .isEqualTo(
                        "Worked examples:\n"
                                + "Example 1:\n"
                                + "Problem: Natalia sold 48 clips in April and half as many in"
                                + " May.\n"
                                + "Steps:\n"
                                + "1. Natalia sold 48/2 = 24 clips in May.\n"
                                + "2. Natalia sold 48+24 = 72 clips altogether.\n"
                                + "Answer: 72\n"
                                + "\n"
                                + "Example 2:\n"
                                + "Problem: Weng earns $12 an hour. How much for 50 minutes?\n"
                                + "Steps:\n"
                                + "1. Weng earns 12/60 = $0.2 per minute.\n"
                                + "Answer: 10\n"
                                + "\n"
                                + "Now this one: Ann has 3 apples and buys 3 more. How many?");
        inputs.remove("demonstrations");
        assertThat(set.render("lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs).get(1).content())
                .isEqualTo(
                        "Worked examples:\n\n\nNow this one: Ann has 3 apples and buys 3 more."
                                + " How many?");
    }

    @Test
    void aFolderWhoseDecomposerTemplateDropsThemIsRefusedNamingTheFile() throws IOException {
        write("lm2/decomposer-subquestion.user.txt", "{{question}} so far: {{verified}}");
        PromptSet set = PromptSet.load(dir);
        List<ReasoningStrategy> strategies =
                List.of(Strategies.create("lm2", StrategySettings.from(new Configuration())));

        assertThatThrownBy(() -> set.checkShowsDemonstrations(strategies))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lm2/decomposer-subquestion.user.txt")
                .hasMessageContaining("{{demonstrations}}")
                .hasMessageContaining("--demonstrations");

        // The solver's templates, and a folder whose decomposer user message is built in, pass.
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("lm2"));
        Files.writeString(other.resolve("lm2/solver-answer.user.txt"), "{{question}}");
        Files.writeString(other.resolve("lm2/decomposer-concepts.txt"), "Decompose.");
        PromptSet.load(other).checkShowsDemonstrations(strategies);
        PromptSet.builtIn().checkShowsDemonstrations(strategies);
    }

    private void write(String file, String text) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
