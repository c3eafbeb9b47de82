package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.DashboardQueries.Query;
import dev.triad.jobs.io.KafkaClientProperties;
import dev.triad.jobs.io.KafkaTopics;
import dev.triad.jobs.io.KafkaUri;
import dev.triad.jobs.local.LocalKafkaBroker;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.model.Role;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every query of the Grafana dashboard ({@code
 * deploy/kubernetes/base/monitoring/triad-dashboard.json}) names metrics, and labels on them, that
 * a running Triad job really exports: the job runs on a MiniCluster with Flink's Prometheus
 * reporter configured as users configure it, reads questions from a real Kafka broker and writes
 * results to it exactly once (checkpoints on), with every role bound through the {@code openai:}
 * client to a simulated server of two replicas. The test scrapes the reporter (JobManager and
 * TaskManager metrics) and each replica's {@code /metrics} until every metric and label the
 * dashboard asks for is there, or a deadline passes, and then reports what is still missing.
 *
 * <p>Two kinds of names are not scraped here, each listed below with the reason: labels Prometheus
 * adds to every series it scrapes from a pod ({@link #TARGET_LABELS}), and the few vLLM metrics the
 * simulated server does not have ({@link #VLLM_ONLY}).
 */
class DashboardMetricsITCase {

    /** The dashboard, relative to the jobs module (where failsafe runs). */
    static final Path DASHBOARD =
            Path.of("../deploy/kubernetes/base/monitoring/triad-dashboard.json");

    /**
     * Labels a Prometheus-operator PodMonitor scrape adds to every series of a pod (its target
     * labels): the dashboard's {@code namespace} variable and per-pod legends rely on them.
     */
    static final Set<String> TARGET_LABELS =
            Set.of("namespace", "pod", "container", "endpoint", "instance", "job");

    /**
     * vLLM metrics the dashboard reads that the simulated server does not export, with the labels
     * vLLM puts on them (docs.vllm.ai, "Production Metrics"). {@code vllm:kv_cache_usage_perc}
     * replaced {@code vllm:gpu_cache_usage_perc} (vllm-project/vllm#18354; newer versions no longer
     * emit the old name by default), so the dashboard reads either. Only {@code model_name} is
     * relied on: vLLM V1 adds {@code engine}, older versions do not.
     */
    static final Map<String, Set<String>> VLLM_ONLY =
            Map.of(
                    "vllm:kv_cache_usage_perc", Set.of("model_name"),
                    "vllm:gpu_cache_usage_perc", Set.of("model_name"),
                    "vllm:time_to_first_token_seconds_bucket", Set.of("model_name", "le"),
                    "vllm:time_to_first_token_seconds_sum", Set.of("model_name"),
                    "vllm:time_to_first_token_seconds_count", Set.of("model_name"));

    private static final int FIRST_PORT = 19_330;
    private static final int LAST_PORT = 19_349;
    private static final String JOB_NAME = "triad-dashboard-check";

    /** The job's label as the reporter writes it: label values have '-' (and '.', '/') as '_'. */
    private static final String JOB_LABEL = "job_name=\"triad_dashboard_check\"";

    private static final int QUESTIONS = 300;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Path SCRAPED = Path.of("target/dashboard-metrics");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(prometheus())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static LocalKafkaBroker broker;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * Flink's Prometheus reporter as a user configures it (a port range: tests run in parallel).
     */
    private static Configuration prometheus() {
        Configuration conf = new Configuration();
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", FIRST_PORT + "-" + LAST_PORT);
        return conf;
    }

    @BeforeAll
    static void startBroker() throws Exception {
        Path target = Files.createDirectories(Path.of("target"));
        broker = LocalKafkaBroker.start(Files.createTempDirectory(target, "kafka-dashboard"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyDashboardQueryNamesExportedMetricsAndLabels() throws Exception {
        List<Query> queries =
                DashboardQueries.queries(Json.mapper().readTree(Files.readString(DASHBOARD)));
        assertThat(queries).as("queries in %s", DASHBOARD).isNotEmpty();

        String bootstrap = broker.bootstrap();
        String in = "dashboard-questions";
        String out = "dashboard-results";
        Properties client = new Properties();
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(in, 2, (short) 1),
                                    new NewTopic(out, 2, (short) 1),
                                    new NewTopic(out + ".dead-letters", 1, (short) 1)))
                    .all()
                    .get(1, TimeUnit.MINUTES);
        }
        List<Question> questions =
                new ProblemGenerator(23).stream(QUESTIONS).collect(Collectors.toList());
        client.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Question question : questions) {
                producer.send(
                        new ProducerRecord<>(
                                in, null, Json.write(question).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        try (SimulatedServer server =
                SimulatedServer.start(
                        ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                                .host("127.0.0.1")
                                .port(0)
                                .replicas(2)
                                // Errors by role, so the verifier gives more than one class.
                                .oracle(
                                        SimulatorSettings.profile(
                                                SimulatorSettings.PROFILE_DEFAULT))
                                .questions(questions)
                                .build())) {
            JobClient job = startJob(bootstrap, in, out, server);
            try {
                Map<String, String> scraped = Map.of();
                List<String> problems = List.of("nothing scraped yet");
                Instant deadline = Instant.now().plus(DEADLINE);
                // The reporter is read, not told: scrape until all the dashboard needs is there.
                while (!problems.isEmpty() && Instant.now().isBefore(deadline)) {
                    scraped = scrape(server);
                    problems = DashboardQueries.problems(queries, exported(scraped), TARGET_LABELS);
                    if (!problems.isEmpty()) {
                        failIfEnded(job, 250);
                    }
                }
                write(scraped);
                assertThat(problems)
                        .as(
                                "what %s asks for that the job did not export within %s (scrapes"
                                        + " in %s)",
                                DASHBOARD, DEADLINE, SCRAPED.toAbsolutePath())
                        .isEmpty();

                // The same check against the same scrapes fails for a misspelled metric name and
                // for a label the metric does not have.
                Query first = queries.get(0);
                String metric = DashboardQueries.uses(first).get(0).metric();
                List<Query> misspelled =
                        List.of(
                                new Query(
                                        first.where(),
                                        first.expr().replace(metric, metric + "s"),
                                        first.legend()),
                                new Query(first.where(), first.expr(), "{{no_such_label}}"));
                assertThat(DashboardQueries.problems(misspelled, exported(scraped), TARGET_LABELS))
                        .anySatisfy(p -> assertThat(p).contains(metric + "s is not exported"))
                        .anySatisfy(p -> assertThat(p).contains("has no label no_such_label"));
            } finally {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    private static JobClient startJob(
            String bootstrap, String in, String out, SimulatedServer server) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // Checkpoints commit the Kafka transactions, and give the JobManager checkpoint metrics.
        env.enableCheckpointing(500);
        OpenAiCompatibleBinding fleet =
                OpenAiCompatibleBinding.builder()
                        .baseUrls(server.baseUrls())
                        .model(ServerSettings.DEFAULT_MODEL_NAME)
                        .apiKey(ApiKeySource.none())
                        .build();
        KafkaUri results = KafkaUri.output("kafka://" + bootstrap + "/" + out, "--output");
        TriadJob.builder()
                // Unbounded: the job keeps running (and its metrics stay) until it is cancelled.
                .source(
                        KafkaTopics.source(
                                KafkaUri.input(
                                        "kafka://" + bootstrap + "/" + in + "?start=earliest",
                                        "--input"),
                                KafkaClientProperties.NONE))
                .parser(
                        new QuestionParser(
                                FieldMapping.load("triad"),
                                ReasoningOptions.MAX_QUESTION_CHARS.defaultValue()))
                .reasoning(
                        Reasoning.builder()
                                .strategies(List.of("lm2", "cot"))
                                .model(Role.DECOMPOSER, fleet)
                                .model(Role.SOLVER, fleet)
                                .model(Role.VERIFIER, fleet)
                                .build())
                .results(KafkaTopics.resultsSink(results, KafkaClientProperties.NONE, JOB_NAME))
                .deadLetters(
                        KafkaTopics.deadLettersSink(
                                results.withTopic(out + ".dead-letters"),
                                KafkaClientProperties.NONE,
                                JOB_NAME))
                .build()
                .addTo(env);
        return env.executeAsync(JOB_NAME);
    }

    /** Waits up to {@code millis} for the job to end; it must not end on its own. */
    private static void failIfEnded(JobClient job, long millis) throws InterruptedException {
        try {
            job.getJobExecutionResult().get(millis, TimeUnit.MILLISECONDS);
            throw new AssertionError("the job ended before the dashboard's metrics were all there");
        } catch (TimeoutException stillRunning) {
            // the pause between scrapes
        } catch (ExecutionException e) {
            throw new AssertionError("the job failed", e.getCause());
        }
    }

    /**
     * Source → exposition text: the reporter's port (or ports) of this job, and each replica's
     * {@code /metrics}.
     */
    private Map<String, String> scrape(SimulatedServer server) throws InterruptedException {
        Map<String, String> texts = new TreeMap<>();
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            String text = get(URI.create("http://127.0.0.1:" + port + "/"));
            // Another test's reporter may hold a port of the range: keep this job's.
            if (text != null && text.contains(JOB_LABEL)) {
                texts.put("flink-" + port, text);
            }
        }
        List<URI> replicas = server.baseUrls();
        for (int i = 0; i < replicas.size(); i++) {
            String text = get(replicas.get(i).resolve("/metrics"));
            if (text != null) {
                texts.put("replica-" + i, text);
            }
        }
        return texts;
    }

    private String get(URI uri) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException nothingThere) {
            return null;
        }
    }

    /** Every scraped metric with its labels, plus the vLLM-only ones the simulator lacks. */
    private static Map<String, Set<String>> exported(Map<String, String> scraped) {
        Map<String, Set<String>> exported =
                DashboardQueries.exported(String.join("\n", scraped.values()));
        VLLM_ONLY.forEach(exported::putIfAbsent);
        return exported;
    }

    /** Keeps the last scrapes next to the test's reports, for reading what is there. */
    private static void write(Map<String, String> scraped) throws IOException {
        Files.createDirectories(SCRAPED);
        for (Map.Entry<String, String> e : scraped.entrySet()) {
            Files.writeString(SCRAPED.resolve(e.getKey() + ".prom"), e.getValue());
        }
    }
}
