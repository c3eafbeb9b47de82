package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import dev.triad.schemas.VerifierClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reply journal through the operator: replies that came after the last checkpoint are read back
 * on restore instead of calling the model again, only the call in flight at the failure is made
 * again, and completed checkpoints trim the journal's files.
 */
class ReplyJournalTest {

    private static final Question Q1 =
            new Question("q1", "Ann has 3 apples and buys 3 more. How many?", "6", null, Map.of());

    private static final String CONCEPTS = Lm2Purpose.CONCEPTS_AND_FIRST.key();
    private static final String ANSWER = Lm2Purpose.ANSWER_SUBQUESTION.key();
    private static final String VERIFY = Lm2Purpose.VERIFY.key();

    @TempDir Path journalDir;

    private final ScriptedModel model = new ScriptedModel();

    private Reasoning reasoning(ScriptedModel model, boolean journal) {
        Reasoning.Builder builder = OperatorFixture.builder(model, "lm2");
        if (journal) {
            builder.option(ReasoningOptions.REPLY_JOURNAL, journalDir.toString());
        }
        return builder.build();
    }

    /** Replies to the one open call and runs its mail, which waits for the journal's write. */
    private static void reply(
            OperatorFixture fixture, ScriptedModel model, String purpose, String text)
            throws Exception {
        List<ScriptedModel.Call> open = model.open();
        assertThat(open).as("open calls").hasSize(1);
        assertThat(open.get(0).purpose()).isEqualTo(purpose);
        open.get(0).reply(text);
        fixture.harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run();
        fixture.drainMailbox();
    }

    /**
     * Q1 under lm2: concepts call in flight at checkpoint 1, then the concepts and answer replies
     * arrive, then the process dies with the verifier's call in flight.
     */
    private OperatorSubtaskState runUntilTheFailure(boolean journal) throws Exception {
        OperatorSubtaskState checkpoint;
        try (OperatorFixture fixture = OperatorFixture.open(reasoning(model, journal))) {
            fixture.add(Q1, "lm2");
            checkpoint = fixture.harness.snapshot(1L, 1L);
            reply(fixture, model, CONCEPTS, concepts("How many apples at first?"));
            reply(fixture, model, ANSWER, answer("3"));
            assertThat(model.open())
                    .singleElement()
                    .extracting(ScriptedModel.Call::purpose)
                    .isEqualTo(VERIFY);
        }
        return checkpoint;
    }

    @Test
    void repliesAfterTheCheckpointAreReplayedAndOnlyTheCallInFlightIsMadeAgain() throws Exception {
        OperatorSubtaskState checkpoint = runUntilTheFailure(true);

        ScriptedModel restoredModel = new ScriptedModel();
        try (OperatorFixture fixture =
                OperatorFixture.restore(reasoning(restoredModel, true), checkpoint, 1, 0)) {
            fixture.drainMailbox();
            // The concepts and answer calls completed after the checkpoint: read back, not paid.
            assertThat(restoredModel.calls())
                    .singleElement()
                    .satisfies(
                            call -> {
                                assertThat(call.purpose()).isEqualTo(VERIFY);
                                assertThat(call.request().context().inputs())
                                        .containsEntry("subquestion", "How many apples at first?")
                                        .containsEntry("answer", "3");
                            });
            ReasoningMetrics metrics = fixture.operator().metrics();
            assertThat(metrics.callsReplayed.getCount()).isEqualTo(2);
            assertThat(metrics.callsRemade.getCount()).isEqualTo(1);

            reply(fixture, restoredModel, VERIFY, verdict(VerifierClass.NO_MISTAKE));
            reply(fixture, restoredModel, Lm2Purpose.NEXT_SUBQUESTION.key(), "{\"done\": true}");
            reply(fixture, restoredModel, Lm2Purpose.FINAL_ANSWER.key(), answer("6"));
            assertThat(fixture.results()).singleElement().satisfies(this::solvedWithFullUsage);
        }
    }

    private void solvedWithFullUsage(Result result) {
        assertThat(result.status()).isEqualTo(Status.SOLVED);
        assertThat(result.answer()).isEqualTo("6");
        // The replayed replies count in the usage, as the calls were made (and paid) once.
        assertThat(result.usage().get("decomposer").calls()).isEqualTo(2);
        assertThat(result.usage().get("solver").calls()).isEqualTo(2);
        assertThat(result.usage().get("verifier").calls()).isEqualTo(1);
    }

    @Test
    void withoutAJournalTheCallsAfterTheCheckpointAreMadeAgain() throws Exception {
        OperatorSubtaskState checkpoint = runUntilTheFailure(false);

        ScriptedModel restoredModel = new ScriptedModel();
        try (OperatorFixture fixture =
                OperatorFixture.restore(reasoning(restoredModel, false), checkpoint, 1, 0)) {
            fixture.drainMailbox();
            assertThat(restoredModel.calls())
                    .singleElement()
                    .extracting(ScriptedModel.Call::purpose)
                    .isEqualTo(CONCEPTS);
        }
    }

    @Test
    void aReplyToAnotherRequestIsNotUsed() throws Exception {
        OperatorSubtaskState checkpoint = runUntilTheFailure(true);
        // The same call of the same question, but what was sent differs (e.g. a changed template).
        try (Stream<Path> files = Files.list(journalDir)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                Files.writeString(
                        file, text.replaceAll("\"request\":\"[0-9a-f]+\"", "\"request\":\"00\""));
            }
        }
        ScriptedModel restoredModel = new ScriptedModel();
        try (OperatorFixture fixture =
                OperatorFixture.restore(reasoning(restoredModel, true), checkpoint, 1, 0)) {
            fixture.drainMailbox();
            assertThat(restoredModel.calls())
                    .singleElement()
                    .extracting(ScriptedModel.Call::purpose)
                    .isEqualTo(CONCEPTS);
            assertThat(fixture.operator().metrics().callsReplayed.getCount()).isZero();
        }
    }

    @Test
    void aTornLastLineIsSkippedAndTheRestReplayed() throws Exception {
        OperatorSubtaskState checkpoint = runUntilTheFailure(true);
        Path file;
        try (Stream<Path> files = Files.list(journalDir)) {
            file = files.findFirst().orElseThrow();
        }
        // A writer that died in the middle of a line.
        Files.writeString(
                file,
                "{\"key\":\"q2",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        ScriptedModel restoredModel = new ScriptedModel();
        try (OperatorFixture fixture =
                OperatorFixture.restore(reasoning(restoredModel, true), checkpoint, 1, 0)) {
            fixture.drainMailbox();
            assertThat(restoredModel.calls())
                    .singleElement()
                    .extracting(ScriptedModel.Call::purpose)
                    .isEqualTo(VERIFY);
        }
    }

    @Test
    void completedCheckpointsDeleteTheFilesTheyHold() throws Exception {
        OperatorSubtaskState checkpoint = runUntilTheFailure(true);
        assertThat(journalFiles()).isNotEmpty();

        ScriptedModel restoredModel = new ScriptedModel();
        try (OperatorFixture fixture =
                OperatorFixture.restore(reasoning(restoredModel, true), checkpoint, 1, 0)) {
            fixture.drainMailbox();
            ReplyJournal journal = fixture.operator().journal();
            List<Path> earlier = journalFiles();
            reply(fixture, restoredModel, VERIFY, verdict(VerifierClass.NO_MISTAKE));
            List<Path> own =
                    journalFiles().stream()
                            .filter(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .startsWith(journal.writerName()))
                            .toList();
            assertThat(own).as("this attempt's file with the verifier's reply").hasSize(1);

            // Checkpoint 2 holds the replayed replies and the verifier's reply: nothing is needed.
            fixture.harness.snapshot(2L, 2L);
            fixture.harness.notifyOfCompletedCheckpoint(2L);
            journal.idle().get(10, TimeUnit.SECONDS);
            assertThat(journalFiles())
                    .doesNotContainAnyElementsOf(earlier)
                    .doesNotContainAnyElementsOf(own);

            // A reply applied after checkpoint 3's snapshot stays until a later one completes.
            reply(fixture, restoredModel, Lm2Purpose.NEXT_SUBQUESTION.key(), "{\"done\": true}");
            fixture.harness.snapshot(3L, 3L);
            reply(fixture, restoredModel, Lm2Purpose.FINAL_ANSWER.key(), answer("6"));
            fixture.harness.notifyOfCompletedCheckpoint(3L);
            journal.idle().get(10, TimeUnit.SECONDS);
            assertThat(journalFiles()).hasSize(1);
            fixture.harness.snapshot(4L, 4L);
            fixture.harness.notifyOfCompletedCheckpoint(4L);
            journal.idle().get(10, TimeUnit.SECONDS);
            assertThat(journalFiles()).isEmpty();
        }
    }

    private List<Path> journalFiles() throws IOException {
        try (Stream<Path> files = Files.list(journalDir)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private static String concepts(String subquestion) {
        return "{\"concepts\": [\"addition\"], \"subquestion\": \"" + subquestion + "\"}";
    }

    private static String answer(String value) {
        return "{\"reasoning\": \"because\", \"answer\": \"" + value + "\"}";
    }

    private static String verdict(VerifierClass c) {
        return "{\"explanation\": \"checked\", \"class\": \"" + c.wireName() + "\"}";
    }
}
