package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.Role;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.Question;
import dev.triad.serde.JsonTypeInfo;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModelBinding;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reasoning operator's metrics reach Flink's Prometheus reporter, configured the way a user
 * configures it: per role, per strategy and status, under the {@code triad} group.
 */
class OperatorMetricsITCase {

    private static final int FIRST_PORT = 19_250;
    private static final int LAST_PORT = 19_269;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(prometheus())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static Configuration prometheus() {
        Configuration conf = new Configuration();
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", FIRST_PORT + "-" + LAST_PORT);
        return conf;
    }

    @Test
    void perRoleAndPerStatusMetricsCanBeScraped() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ProblemGenerator generator = new ProblemGenerator(7);
        List<Question> questions = generator.stream(400).collect(Collectors.toList());
        Reasoning reasoning =
                Reasoning.builder()
                        .strategies(List.of("lm2", "cot"))
                        .model(Role.DECOMPOSER, SimulatedModelBinding.forProfile("default", 7))
                        .model(Role.SOLVER, SimulatedModelBinding.forProfile("default", 7))
                        .model(Role.VERIFIER, SimulatedModelBinding.forProfile("default", 7))
                        .build();
        HoldAtEnd hold = HoldAtEnd.start(2);
        reasoning
                .apply(env.fromData(questions, JsonTypeInfo.QUESTION))
                .sinkTo(new HoldAtEndSink<>())
                .name("hold at end");
        JobClient job = env.executeAsync("metrics");

        String scraped = hold.scrapeAtEnd(job);

        for (String role : List.of("decomposer", "solver", "verifier")) {
            assertThat(sum(scraped, "triad_role_calls", "role=\"" + role + "\""))
                    .as("calls of %s in%n%s", role, scraped)
                    .isPositive();
            assertThat(sum(scraped, "triad_role_promptTokens", "role=\"" + role + "\""))
                    .isPositive();
        }
        assertThat(scraped).contains("triad_role_latencyMs").contains("triad_role_callsInFlight");
        assertThat(sum(scraped, "triad_strategy_status_questions", "status=\"SOLVED\""))
                .isPositive();
        assertThat(scraped).contains("triad_questionsInFlight").contains("triad_callsInFlight");
    }

    @Test
    void perReplicaClientMetricsOfAnOpenAiBindingCanBeScraped() throws Exception {
        ProblemGenerator generator = new ProblemGenerator(11);
        List<Question> questions = generator.stream(100).collect(Collectors.toList());
        try (SimulatedServer server =
                SimulatedServer.start(
                        ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                                .host("127.0.0.1")
                                .port(0)
                                .replicas(2)
                                .oracle(
                                        SimulatorSettings.profile(
                                                SimulatorSettings.PROFILE_PERFECT))
                                .questions(questions)
                                .build())) {
            OpenAiCompatibleBinding fleet =
                    OpenAiCompatibleBinding.builder()
                            .baseUrls(server.baseUrls())
                            .model(ServerSettings.DEFAULT_MODEL_NAME)
                            .apiKey(ApiKeySource.none())
                            .build();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            Reasoning.builder()
                    .strategies(List.of("lm2"))
                    .model(Role.DECOMPOSER, fleet)
                    .model(Role.SOLVER, fleet)
                    .model(Role.VERIFIER, fleet)
                    .build()
                    .apply(env.fromData(questions, JsonTypeInfo.QUESTION))
                    .sinkTo(new HoldAtEndSink<>())
                    .name("hold at end");
            HoldAtEnd hold = HoldAtEnd.start(2);
            JobClient job = env.executeAsync("replica metrics");
            String scraped = hold.scrapeAtEnd(job);

            // Flink's Prometheus reporter writes '.' and '/' in label values as '_'.
            String replica =
                    "replica=\""
                            + server.baseUrls()
                                    .get(1)
                                    .toString()
                                    .replace('.', '_')
                                    .replace('/', '_')
                            + "\"";

            assertThat(sum(scraped, "triad_role_replica_requests", replica))
                    .as("requests to %s in%n%s", replica, scraped)
                    .isPositive();
            for (String role : List.of("decomposer", "solver", "verifier")) {
                assertThat(sum(scraped, "triad_role_replica_succeeded", "role=\"" + role + "\""))
                        .as("answers to the %s's calls", role)
                        .isPositive();
            }
            assertThat(sum(scraped, "triad_role_replica_promptTokens", replica)).isPositive();
            assertThat(scraped)
                    .contains("triad_role_replica_concurrencyLimit")
                    .contains("triad_role_replica_inFlight")
                    .contains("triad_role_replica_latencyP50Ms")
                    .contains("triad_role_replica_failure_requests");
            // The client never counts more answers than the replicas gave.
            assertThat(sum(scraped, "triad_role_replica_succeeded", replica))
                    .isLessThanOrEqualTo(server.stats(1).requests());
        }
    }

    /**
     * The end of a job's input as an event: each subtask of {@link HoldAtEndSink} reports when its
     * input has ended (every result has gone through it, so the operator's metrics are final) and
     * then waits until the test has read the metrics, because a task's metrics go away when it
     * finishes. One at a time: the MiniCluster runs the job in this JVM, so the sink finds it here.
     */
    private static final class HoldAtEnd {

        private static volatile HoldAtEnd current;

        private final int subtasks;
        private final AtomicInteger ended = new AtomicInteger();
        private final CompletableFuture<Void> allEnded = new CompletableFuture<>();
        private final CountDownLatch read = new CountDownLatch(1);

        private HoldAtEnd(int subtasks) {
            this.subtasks = subtasks;
        }

        /** Holds the next job's {@code subtasks} sink subtasks at their end. */
        static HoldAtEnd start(int subtasks) {
            current = new HoldAtEnd(subtasks);
            return current;
        }

        /** Called by a sink subtask when its input ended; returns once the test has scraped. */
        static void atEnd() throws InterruptedException {
            HoldAtEnd hold = current;
            if (hold.ended.incrementAndGet() == hold.subtasks) {
                hold.allEnded.complete(null);
            }
            if (!hold.read.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test did not read the metrics in 2 minutes");
            }
        }

        /**
         * Waits until every sink subtask's input has ended (or the job ended without getting there,
         * which fails here with the job's error), scrapes the reporter once, lets the job finish
         * and waits for it.
         */
        String scrapeAtEnd(JobClient job) throws Exception {
            CompletableFuture<?> result = job.getJobExecutionResult();
            CompletableFuture.anyOf(allEnded, result).get(2, TimeUnit.MINUTES);
            if (!allEnded.isDone()) {
                result.get(); // the job failed or ended early: its error is the test's failure
            }
            String scraped;
            try {
                scraped =
                        scrape(
                                HttpClient.newBuilder()
                                        .version(HttpClient.Version.HTTP_1_1)
                                        .build());
            } finally {
                read.countDown();
            }
            result.get();
            return scraped;
        }
    }

    /** Discards its input; at the end of it, each subtask waits for {@link HoldAtEnd}. */
    private static final class HoldAtEndSink<T> implements Sink<T> {

        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {}

                @Override
                public void flush(boolean endOfInput) throws InterruptedException {
                    if (endOfInput) {
                        HoldAtEnd.atEnd();
                    }
                }

                @Override
                public void close() {}
            };
        }
    }

    /** The reporter's text from whichever port of the range it bound. */
    private static String scrape(HttpClient http) throws InterruptedException {
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("flink_")) {
                    return response.body();
                }
            } catch (IOException notThisPort) {
                // the reporter bound another port of the range
            }
        }
        return "";
    }

    /** The sum of every sample of a metric (name ending) whose labels contain {@code label}. */
    private static double sum(String text, String nameSuffix, String label) {
        Pattern sample = Pattern.compile("(?m)^(\\w*" + nameSuffix + ")\\{([^}]*)\\} (\\S+)$");
        Matcher m = sample.matcher(text);
        double total = 0;
        while (m.find()) {
            if (m.group(2).contains(label)) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }
}
