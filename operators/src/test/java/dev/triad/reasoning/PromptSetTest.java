package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import dev.triad.schemas.PromptSetIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt sets: the built-in one, a folder of the user's templates over it, and their checks. */
class PromptSetTest {

    @TempDir Path dir;

    private static final Map<String, Object> COT_INPUTS = Map.of("question", "What is 3 times 4?");

    private static Map<String, Object> subquestionInputs(boolean withFeedback) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("question", "Ann has 3 apples and buys 3 more. How many?");
        inputs.put("concepts", List.of("addition"));
        inputs.put("verified", List.of(Map.of("subquestion", "How many at first?", "answer", "3")));
        if (withFeedback) {
            inputs.put("feedback", Map.of("class", "conceptual_mistake"));
        }
        return inputs;
    }

    private Path write(String file, String text) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        return path;
    }

    @Test
    void theBuiltInSetSendsTheTemplateAsSystemMessageAndTheInputsAsOneJsonObject() {
        List<ChatMessage> chat =
                PromptSet.builtIn().render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS);

        assertThat(chat)
                .containsExactly(
                        ChatMessage.system(
                                PromptLibrary.template("cot", CotPurpose.WHOLE_QUESTION)),
                        ChatMessage.user(Json.write(COT_INPUTS)));
        assertThat(PromptLibrary.render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS))
                .isEqualTo(chat);
        assertThat(PromptSet.builtIn().identity()).isEqualTo(PromptSetIdentity.builtIn("v1"));
    }

    @Test
    void aFolderReplacesTheTemplatesItHasWithItsPlaceholdersFilledAndKeepsTheOthers()
            throws IOException {
        write("cot/solver-cot.txt", "Solve the problem. Reply with the final number only.\n");
        write("cot/solver-cot.user.txt", "{{question}}\n");
        write(
                "lm2/decomposer-subquestion.user.txt",
                "Q: {{ question }}\nKnown: {{verified}}\nConcepts: {{concepts}}\n"
                        + "Feedback: {{feedback}}\nAll: {{inputs}}");
        write("README.md", "not a template; ignored");

        PromptSet set = PromptSet.load(dir);

        assertThat(set.render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS))
                .containsExactly(
                        ChatMessage.system("Solve the problem. Reply with the final number only."),
                        ChatMessage.user("What is 3 times 4?"));
        Map<String, Object> inputs = subquestionInputs(false);
        List<ChatMessage> lm2 = set.render("lm2", Lm2Purpose.NEXT_SUBQUESTION, inputs);
        assertThat(lm2.get(0))
                .as("no system template in the folder: the built-in one")
                .isEqualTo(
                        ChatMessage.system(
                                PromptLibrary.template("lm2", Lm2Purpose.NEXT_SUBQUESTION)));
        assertThat(lm2.get(1).content())
                .isEqualTo(
                        "Q: Ann has 3 apples and buys 3 more. How many?\n"
                                + "Known: "
                                + Json.write(inputs.get("verified"))
                                + "\n"
                                + "Concepts: [\"addition\"]\n"
                                + "Feedback: \n"
                                + "All: "
                                + Json.write(inputs));
        assertThat(set.render("lm2", Lm2Purpose.VERIFY, Map.of("question", "q")))
                .as("a purpose the folder does not touch")
                .isEqualTo(PromptLibrary.render("lm2", Lm2Purpose.VERIFY, Map.of("question", "q")));
        assertThat(set.templates())
                .containsExactlyInAnyOrder(
                        "cot/solver-cot.txt",
                        "cot/solver-cot.user.txt",
                        "lm2/decomposer-subquestion.user.txt");
    }

    @Test
    void anEmptySystemTemplateSendsNoSystemMessage() throws IOException {
        write("cot/solver-cot.txt", "\n");
        write("cot/solver-cot.user.txt", "{{question}}");

        assertThat(PromptSet.load(dir).render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS))
                .containsExactly(ChatMessage.user("What is 3 times 4?"));
    }

    @Test
    void theIdentityNamesTheFolderAndChangesWithAnyTemplatesContent() throws IOException {
        write("cot/solver-cot.user.txt", "{{question}}");
        PromptSetIdentity first = PromptSet.load(dir).identity();
        PromptSetIdentity again = PromptSet.load(dir).identity();
        write("cot/solver-cot.user.txt", "{{question}} ");
        PromptSetIdentity edited = PromptSet.load(dir).identity();

        assertThat(first.set()).isEqualTo(dir.toString());
        assertThat(first.base()).isEqualTo("v1");
        assertThat(first.sha256()).matches("[0-9a-f]{64}");
        assertThat(again).isEqualTo(first);
        assertThat(edited.sha256())
                .as("a byte changed, even one the rendering drops")
                .isNotEqualTo(first.sha256());
    }

    @Test
    void theSetAResultNamesIsFoundAgainOnlyWhileItsTemplatesAreTheSame() throws IOException {
        write("cot/solver-cot.user.txt", "{{question}}");
        PromptSetIdentity named = PromptSet.load(dir).identity();

        assertThat(
                        PromptSet.of(named, List.of())
                                .render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS))
                .isEqualTo(
                        PromptSet.load(dir).render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS));
        assertThat(PromptSet.of(PromptSetIdentity.builtIn("v1"), List.of()))
                .isSameAs(PromptSet.builtIn());
        assertThat(PromptSet.of(null, List.of()))
                .as("results older than the field")
                .isSameAs(PromptSet.builtIn());
        assertThatThrownBy(() -> PromptSet.of(PromptSetIdentity.builtIn("v0"), List.of()))
                .hasMessageContaining("built-in prompts v0, but this Triad has v1");

        write("cot/solver-cot.user.txt", "Q: {{question}}");
        assertThatThrownBy(() -> PromptSet.of(named, List.of()))
                .hasMessageContaining(dir + " no longer holds the templates")
                .hasMessageContaining(named.sha256() + " then");
    }

    @Test
    void theSetTravelsWithItsContentsNotItsPath() throws Exception {
        write("cot/solver-cot.user.txt", "Question: {{question}}");
        PromptSet set = PromptSet.load(dir);
        byte[] shipped = InstantiationUtil.serializeObject(set);
        Files.delete(dir.resolve("cot/solver-cot.user.txt"));

        PromptSet onTaskManager =
                InstantiationUtil.deserializeObject(shipped, getClass().getClassLoader());

        assertThat(onTaskManager.render("cot", CotPurpose.WHOLE_QUESTION, COT_INPUTS).get(1))
                .isEqualTo(ChatMessage.user("Question: What is 3 times 4?"));
        assertThat(onTaskManager.identity()).isEqualTo(set.identity());
    }

    @Test
    void anUnknownPlaceholderIsRefusedNamingTheFileTheLineAndTheInputsItMayUse()
            throws IOException {
        Path file = write("cot/solver-cot.user.txt", "Solve:\n{{question}}\nUsing {{verified}}");

        assertThatThrownBy(() -> PromptSet.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3")
                .hasMessageContaining("unknown placeholder {{verified}}")
                .hasMessageContaining("[{{question}}]")
                .hasMessageContaining("{{inputs}}");
    }

    @Test
    void anUnclosedPlaceholderIsRefused() throws IOException {
        Path file = write("cot/solver-cot.txt", "Reply with {{question");

        assertThatThrownBy(() -> PromptSet.load(dir))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 1")
                .hasMessageContaining("'{{' is not closed");
    }

    @Test
    void aFileForAPurposeTheStrategyDoesNotHaveIsRefusedListingItsTemplates() throws IOException {
        Path file = write("cot/solver-final.txt", "Final answer please");

        assertThatThrownBy(() -> PromptSet.load(dir))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("strategy cot has no purpose with this template")
                .hasMessageContaining("solver-cot.txt")
                .hasMessageContaining(".user.txt")
                .hasMessageContaining("rename or remove the file");
    }

    @Test
    void aFolderNamedAfterNoStrategyIsRefusedListingTheStrategies() throws IOException {
        write("chain-of-thought/solver-cot.txt", "x");

        assertThatThrownBy(() -> PromptSet.load(dir))
                .hasMessageContaining("no strategy is called 'chain-of-thought'")
                .hasMessageContaining("lm2, cot, plan-solve");
    }

    @Test
    void aFolderForTheJobsOwnStrategyIsAcceptedWhenItIsNamed() throws IOException {
        write("cot-twice/solver-cot.user.txt", "{{question}}");

        assertThatThrownBy(() -> PromptSet.load(dir)).hasMessageContaining("'cot-twice'");
        ReasoningStrategy cot = new CotStrategy();
        ReasoningStrategy own =
                new ReasoningStrategy() {
                    @Override
                    public String name() {
                        return "cot-twice";
                    }

                    @Override
                    public List<? extends StrategyPurpose> purposes() {
                        return cot.purposes();
                    }

                    @Override
                    public Decision start(QuestionState state) {
                        return cot.start(state);
                    }

                    @Override
                    public Decision onReply(
                            QuestionState state,
                            StrategyPurpose purpose,
                            PendingCall call,
                            com.fasterxml.jackson.databind.node.ObjectNode reply)
                            throws ReplyFormatException {
                        return cot.onReply(state, purpose, call, reply);
                    }
                };
        assertThat(PromptSet.load(dir, List.of(own)).templates())
                .containsExactly("cot-twice/solver-cot.user.txt");
    }

    @Test
    void aMissingFolderAnEmptyOneAndAFileThatIsNotUtf8AreRefused() throws IOException {
        assertThatThrownBy(() -> PromptSet.load(dir.resolve("nope")))
                .hasMessageContaining("nope: no such folder")
                .hasMessageContaining("STRATEGY/ROLE-PURPOSE.txt");
        assertThatThrownBy(() -> PromptSet.load(dir)).hasMessageContaining("holds no templates");

        Path file = dir.resolve("cot/solver-cot.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {'a', (byte) 0xff, 'b'});
        assertThatThrownBy(() -> PromptSet.load(dir))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void aFolderWhereATemplateShouldBeIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("cot/solver-cot.txt"));

        assertThatThrownBy(() -> PromptSet.load(dir))
                .hasMessageContaining("solver-cot.txt")
                .hasMessageContaining("rename or remove the file");
    }
}
