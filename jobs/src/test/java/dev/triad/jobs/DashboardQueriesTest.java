package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.DashboardQueries.Query;
import dev.triad.jobs.DashboardQueries.Use;
import dev.triad.schemas.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PromQL extractor that {@link DashboardMetricsITCase} checks the dashboard with. */
class DashboardQueriesTest {

    private static final String EXPOSITION =
            "# HELP flink_taskmanager_job_task_operator_triad_role_calls calls\n"
                    + "# TYPE flink_taskmanager_job_task_operator_triad_role_calls gauge\n"
                    + "flink_taskmanager_job_task_operator_triad_role_calls{job_name=\"q\","
                    + "role=\"solver\",subtask_index=\"0\",} 12.0\n"
                    + "flink_jobmanager_job_lastCheckpointDuration{job_name=\"q\",job_id=\"ab\",}"
                    + " 40.0\n"
                    + "vllm:num_requests_running{model_name=\"m\",replica=\"0\"} 3\n"
                    + "triad_sim_time_to_first_token_seconds_sum{model_name=\"m\",replica=\"0\"}"
                    + " 0.5\n"
                    + "process_start_time_seconds 1.7e9\n";

    private static final Map<String, Set<String>> EXPORTED = DashboardQueries.exported(EXPOSITION);

    @Test
    void readsMetricNamesAndLabelNamesOfAnExposition() {
        assertThat(EXPORTED)
                .containsEntry(
                        "flink_taskmanager_job_task_operator_triad_role_calls",
                        Set.of("job_name", "role", "subtask_index"))
                .containsEntry("vllm:num_requests_running", Set.of("model_name", "replica"))
                .containsEntry("process_start_time_seconds", Set.of())
                .hasSize(5);
    }

    @Test
    void findsMetricNamesButNotFunctionsKeywordsLabelListsOrDurations() {
        List<Use> uses =
                DashboardQueries.uses(
                        query(
                                "sum by (role) (rate(flink_taskmanager_job_task_operator_triad_role_calls"
                                        + "{job_name=~\"$job\", role!=\"\"}[$__rate_interval]))"
                                        + " / ignoring (x) group_left"
                                        + " sum without (subtask_index) (vllm:num_requests_running"
                                        + " offset 5m) or on() vector(0) and 1e3 > bool 2",
                                "{{role}}"));

        assertThat(uses)
                .extracting(Use::metric)
                .containsExactly(
                        "flink_taskmanager_job_task_operator_triad_role_calls",
                        "vllm:num_requests_running");
        // The first metric: its matchers, its aggregation's by list, the legend, ignoring(x).
        assertThat(uses.get(0).labels()).containsExactlyInAnyOrder("job_name", "role", "x");
        // The second: its own without list, not the first one's matchers.
        assertThat(uses.get(1).labels()).containsExactlyInAnyOrder("subtask_index", "role", "x");
    }

    @Test
    void aByListAfterTheArgumentAppliesToIt() {
        List<Use> uses =
                DashboardQueries.uses(
                        query(
                                "histogram_quantile(0.95, sum(rate(a_bucket[5m])) by (le, pod))"
                                        + " + max(b)",
                                ""));

        assertThat(uses).extracting(Use::metric).containsExactly("a_bucket", "b");
        assertThat(uses.get(0).labels()).containsExactlyInAnyOrder("le", "pod");
        assertThat(uses.get(1).labels()).isEmpty();
    }

    @Test
    void aVariableQueryNeedsItsLabelOnItsMetric() {
        List<Use> uses =
                DashboardQueries.uses(
                        new Query(
                                "variable job",
                                "label_values(flink_jobmanager_job_lastCheckpointDuration"
                                        + "{namespace=~\"$namespace\"}, job_name)",
                                ""));

        assertThat(uses)
                .singleElement()
                .satisfies(
                        use -> {
                            assertThat(use.metric())
                                    .isEqualTo("flink_jobmanager_job_lastCheckpointDuration");
                            assertThat(use.labels()).containsExactly("job_name", "namespace");
                        });
    }

    @Test
    void aMisspelledMetricNameIsReported() {
        List<String> problems =
                DashboardQueries.problems(
                        List.of(
                                query(
                                        "sum(rate(flink_taskmanager_job_task_operator_triad_role_cals"
                                                + "[1m]))",
                                        "")),
                        EXPORTED,
                        Set.of());

        assertThat(problems)
                .containsExactly(
                        "panel \"test\": metric"
                                + " flink_taskmanager_job_task_operator_triad_role_cals is not"
                                + " exported");
    }

    @Test
    void aLabelTheMetricDoesNotHaveIsReportedUnlessTheScraperAddsIt() {
        List<Query> queries =
                List.of(
                        query(
                                "sum by (pod, replica) (vllm:num_requests_running{namespace=\"a\"})",
                                "{{pod}} {{role}}"));

        assertThat(DashboardQueries.problems(queries, EXPORTED, Set.of("namespace", "pod")))
                .singleElement()
                .asString()
                .contains("vllm:num_requests_running has no label role");
    }

    @Test
    void aSelectorWithoutAMetricNameIsReported() {
        assertThat(
                        DashboardQueries.problems(
                                List.of(query("sum({__name__=~\"vllm:.*\"})", "")),
                                EXPORTED,
                                Set.of()))
                .singleElement()
                .asString()
                .contains("without a metric name");
    }

    @Test
    void aQueryWithNoMetricIsReported() {
        assertThat(DashboardQueries.problems(List.of(query("vector(1)", "")), EXPORTED, Set.of()))
                .singleElement()
                .asString()
                .contains("no metric name");
    }

    @Test
    void collectsPanelTargetsInRowsAndVariableQueries() throws Exception {
        JsonNode dashboard =
                Json.mapper()
                        .readTree(
                                "{\"panels\":[{\"type\":\"row\",\"title\":\"r\",\"panels\":[{\"title\":"
                                        + "\"p\",\"targets\":[{\"expr\":\"a\",\"legendFormat\":"
                                        + "\"{{x}}\"}]}]},{\"title\":\"q\",\"targets\":[{\"expr\":"
                                        + "\"b\"}]}],\"templating\":{\"list\":[{\"type\":"
                                        + "\"datasource\",\"name\":\"datasource\",\"query\":"
                                        + "\"prometheus\"},{\"type\":\"query\",\"name\":\"v\","
                                        + "\"query\":{\"query\":\"label_values(c, y)\"}}]}}");

        assertThat(DashboardQueries.queries(dashboard))
                .containsExactly(
                        new Query("panel \"p\"", "a", "{{x}}"),
                        new Query("panel \"q\"", "b", ""),
                        new Query("variable v", "label_values(c, y)", ""));
    }

    @Test
    void theDashboardFileIsReadable() throws Exception {
        Path file = DashboardMetricsITCase.DASHBOARD;
        JsonNode dashboard = Json.mapper().readTree(Files.readString(file));

        List<Query> queries = DashboardQueries.queries(dashboard);

        assertThat(queries).isNotEmpty();
        for (Query query : queries) {
            assertThat(DashboardQueries.uses(query)).as(query.toString()).isNotEmpty();
        }
    }

    private static Query query(String expr, String legend) {
        return new Query("panel \"test\"", expr, legend);
    }
}
