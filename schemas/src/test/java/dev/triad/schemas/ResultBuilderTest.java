package dev.triad.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Result#builder()} and {@link Result#toBuilder()}. */
class ResultBuilderTest {

    @Test
    void aFieldNotSetIsNullFalseOrZeroAndLeftOutOfTheJson() {
        Result r = Result.builder().id("q1").strategy("cot").status(Status.SOLVED).build();

        assertThat(r)
                .isEqualTo(
                        new Result(
                                "q1",
                                "cot",
                                Status.SOLVED,
                                null,
                                null,
                                null,
                                null,
                                false,
                                null,
                                null,
                                null,
                                null,
                                null,
                                0,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null));
        assertThat(Json.write(r))
                .isEqualTo(
                        "{\"id\":\"q1\",\"strategy\":\"cot\",\"status\":\"SOLVED\","
                                + "\"simulated\":false,\"latencyMs\":0}");
    }

    @Test
    void toBuilderCopiesEveryFieldAndChangesOnlyTheOnesSet() {
        Result r =
                Result.builder()
                        .id("q1")
                        .strategy("lm2")
                        .status(Status.FAILED)
                        .reason("why")
                        .answer("1")
                        .gold("2")
                        .correct(false)
                        .simulated(true)
                        .simulator(Map.of("profile", "default"))
                        .models(Map.of("solver", "sim:default"))
                        .concepts(List.of("addition"))
                        .steps(List.of())
                        .usage(Map.of("solver", new RoleUsage(1, 10, 1, 0, 5)))
                        .latencyMs(12)
                        .metadata(Map.of("k", "v"))
                        .finishedAt(34L)
                        .cost(0.5)
                        .question("What is 1 + 1?")
                        .prompts(PromptSetIdentity.builtIn("v1"))
                        .modelIdentity(Map.of())
                        .build();

        assertThat(r.toBuilder().build()).isEqualTo(r);
        assertThat(r.toBuilder().cost(null).build())
                .isEqualTo(
                        new Result(
                                r.id(),
                                r.strategy(),
                                r.status(),
                                r.reason(),
                                r.answer(),
                                r.gold(),
                                r.correct(),
                                r.simulated(),
                                r.simulator(),
                                r.models(),
                                r.concepts(),
                                r.steps(),
                                r.usage(),
                                r.latencyMs(),
                                r.metadata(),
                                r.finishedAt(),
                                null,
                                r.question(),
                                r.prompts(),
                                r.modelIdentity(),
                                r.demonstrations()));
    }
}
