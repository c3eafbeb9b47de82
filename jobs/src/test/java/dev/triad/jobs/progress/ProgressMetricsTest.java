package dev.triad.jobs.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

class ProgressMetricsTest {

    @Test
    void registersAReporterFactoryInTheConfiguration() {
        Configuration conf = new Configuration();
        ProgressMetrics metrics = ProgressMetrics.register(conf);
        try {
            assertThat(conf.toMap())
                    .containsEntry(
                            "metrics.reporter.triad-progress.factory.class",
                            ProgressMetricsReporterFactory.class.getName());
        } finally {
            metrics.close();
        }
    }

    @Test
    void sumsCountersOverSubtasksAndKeepsThoseOfFinishedSubtasks() {
        ProgressMetrics metrics = ProgressMetrics.register(new Configuration());
        try {
            SimpleCounter first = new SimpleCounter();
            SimpleCounter second = new SimpleCounter();
            Gauge<Integer> calls = () -> 7;
            metrics.added(first, ProgressMetrics.QUESTIONS_FINISHED);
            metrics.added(second, ProgressMetrics.QUESTIONS_FINISHED);
            metrics.added(calls, ProgressMetrics.CALLS_IN_FLIGHT);
            first.inc(3);
            second.inc(4);

            assertThat(metrics.count(ProgressMetrics.QUESTIONS_FINISHED)).isEqualTo(7);
            assertThat(metrics.gauge(ProgressMetrics.CALLS_IN_FLIGHT)).isEqualTo(7);

            metrics.removed(first, ProgressMetrics.QUESTIONS_FINISHED);
            metrics.removed(calls, ProgressMetrics.CALLS_IN_FLIGHT);

            assertThat(metrics.count(ProgressMetrics.QUESTIONS_FINISHED)).isEqualTo(7);
            assertThat(metrics.gauge(ProgressMetrics.CALLS_IN_FLIGHT)).isZero();
        } finally {
            metrics.close();
        }
    }

    @Test
    void theLineShowsDoneTotalRateCallsAndEta() {
        ProgressMetrics metrics = ProgressMetrics.register(new Configuration());
        try {
            SimpleCounter done = new SimpleCounter();
            metrics.added(done, ProgressMetrics.QUESTIONS_FINISHED);
            metrics.added((Gauge<Integer>) () -> 12, ProgressMetrics.CALLS_IN_FLIGHT);
            ProgressLine line =
                    new ProgressLine(
                            new PrintWriter(
                                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                            true,
                            2000,
                            2);
            long t0 = 1_000_000_000_000L;
            line.render(metrics, t0);
            done.inc(1000);

            String text = line.render(metrics, t0 + 10_000_000_000L);

            // 1,000 pairs in 10 s = 100 pairs/s = 50 questions/s; 1,000 left = 10 s.
            assertThat(text)
                    .contains("1,000/2,000 (50%) done")
                    .contains("50.0 questions/s")
                    .contains("12 calls in flight")
                    .contains("ETA 0:10");
        } finally {
            metrics.close();
        }
    }

    @Test
    void theLineSaysWhenAFleetIsDown() {
        ProgressMetrics metrics = ProgressMetrics.register(new Configuration());
        try {
            int[] down = {0};
            metrics.added(new SimpleCounter(), ProgressMetrics.QUESTIONS_FINISHED);
            metrics.added((Gauge<Integer>) () -> down[0], ProgressMetrics.FLEETS_DOWN);
            ProgressLine line =
                    new ProgressLine(
                            new PrintWriter(
                                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                            true,
                            10,
                            1);
            long t0 = 1_000_000_000_000L;
            assertThat(line.render(metrics, t0)).doesNotContain("FLEET DOWN");

            down[0] = 1;

            assertThat(line.render(metrics, t0 + 1_000_000_000L))
                    .contains("| FLEET DOWN: calls wait for it, no new questions start");
        } finally {
            metrics.close();
        }
    }

    @Test
    void clockFormat() {
        assertThat(ProgressLine.clock(59)).isEqualTo("0:59");
        assertThat(ProgressLine.clock(3_725)).isEqualTo("1:02:05");
    }
}
