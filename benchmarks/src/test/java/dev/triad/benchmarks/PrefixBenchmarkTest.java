package dev.triad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.Question;
import dev.triad.simulator.PassageGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The long-context workload's shape: the cache holds a fraction of the live contexts. */
class PrefixBenchmarkTest {

    @Test
    void liveContextBlocksCountEveryPrefixOfEveryQuestionInFlight() {
        // 3,130 tokens = 196 blocks of 16 (the last one partial).
        assertThat(PrefixBenchmark.liveContextBlocks(256, 1, 3_130)).isEqualTo(256L * 196);
        assertThat(PrefixBenchmark.liveContextBlocks(1_024, 3, 16)).isEqualTo(1_024L * 3);
    }

    @Test
    void oneReplicasCacheHoldsAFractionOfTheLongContextsAndFourHoldThemAll() {
        PrefixBenchmark.Workload workload = PrefixBenchmark.workload(PrefixBenchmark.LONG, 200);
        List<Question> questions = workload.questions();
        int[] passages =
                questions.stream()
                        .mapToInt(
                                q ->
                                        Integer.parseInt(
                                                q.metadata()
                                                        .get(PassageGenerator.META_PASSAGE_TOKENS)))
                        .sorted()
                        .toArray();
        int median = passages[passages.length / 2];
        long live =
                PrefixBenchmark.liveContextBlocks(
                        workload.source().maxQuestionsInFlight(),
                        workload.chainsPerQuestion(),
                        median);
        double fraction = (double) workload.settings().prefixCacheBlocks() / live;

        assertThat(median).isBetween(2_000, 4_000);
        // Round robin brings every live context to every replica: one cache holds under half.
        assertThat(fraction).isBetween(0.25, 0.5);
        // Affinity gives each replica a quarter of them: they fit.
        assertThat(fraction * workload.settings().replicas()).isGreaterThan(1.0);
        // The profile's own cache; only the questions in flight differ from the short workload.
        PrefixBenchmark.Workload shortPrompts = PrefixBenchmark.workload(PrefixBenchmark.SHORT, 10);
        assertThat(workload.settings().prefixCacheBlocks())
                .isEqualTo(shortPrompts.settings().prefixCacheBlocks());
        assertThat(workload.settings().prefillPerTokenUs())
                .isEqualTo(shortPrompts.settings().prefillPerTokenUs());
        assertThat(workload.source().prompts().identity().set())
                .endsWith(PrefixBenchmark.PASSAGE_FIRST_PROMPTS);
    }
}
