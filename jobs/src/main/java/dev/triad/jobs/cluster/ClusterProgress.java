package dev.triad.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.progress.ProgressMetrics;
import dev.triad.jobs.progress.ProgressSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reasoning operator's numbers of a job on a Flink cluster, read through its REST API: the
 * vertex that carries the operator's {@value ProgressMetrics#GROUP} metric group, its counters and
 * gauges summed over subtasks.
 *
 * <p>Once the job has finished, the count is the records the reasoning vertex read, which the
 * cluster keeps. The cluster refreshes what the REST API shows every {@code
 * metrics.fetcher.update-interval} (10 s by default, 1 s on a cluster from {@code ./triad cluster
 * start}). A finished subtask's metrics leave the API, so a counter keeps the highest sum seen. Not
 * thread-safe: one thread calls {@link #refresh()} and reads.
 */
public final class ClusterProgress implements ProgressSource {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterProgress.class);

    private static final List<String> NAMES =
            List.of(
                    ProgressMetrics.QUESTIONS_FINISHED,
                    ProgressMetrics.CALLS_IN_FLIGHT,
                    ProgressMetrics.FLEETS_DOWN);

    /** The reasoning operator's name ({@code Reasoning#apply}), which starts its vertex's name. */
    private static final String OPERATOR_NAME = "reasoning";

    private final FlinkRestClient rest;
    private final String jobId;
    private String vertexId;
    private List<String> metricIds;
    private final long[] values = new long[NAMES.size()];
    private boolean seen;
    private String state = "";

    /**
     * @param rest the cluster's REST API
     * @param jobId the job to follow
     */
    public ClusterProgress(FlinkRestClient rest, String jobId) {
        this.rest = rest;
        this.jobId = jobId;
    }

    /**
     * Reads the job's state and, once the operator reports, its numbers.
     *
     * @return the job's state (RUNNING, FINISHED, ...)
     * @throws UsageException when the cluster no longer answers or has forgotten the job
     */
    public String refresh() throws UsageException {
        JsonNode job = rest.job(jobId);
        state = job.path("state").asText();
        if ("FINISHED".equals(state)) {
            finished(job);
            return state;
        }
        try {
            if (vertexId == null) {
                find(job);
            }
            if (vertexId != null) {
                long[] sums = rest.vertexMetricSums(jobId, vertexId, metricIds);
                values[0] = Math.max(values[0], sums[0]);
                values[1] = sums[1];
                values[2] = sums[2];
                seen = true;
            }
        } catch (IOException e) {
            LOG.debug("Could not read the metrics of job {}", jobId, e);
        }
        return state;
    }

    /**
     * A finished job's metrics have left the API, but the records each vertex read stay: every
     * (question, strategy) pair the reasoning vertex read has finished when the job has.
     */
    private void finished(JsonNode job) {
        for (JsonNode vertex : job.path("vertices")) {
            boolean reasoning =
                    vertexId != null
                            ? vertexId.equals(vertex.path("id").asText())
                            : vertex.path("name").asText().startsWith(OPERATOR_NAME);
            if (reasoning) {
                values[0] =
                        Math.max(values[0], vertex.path("metrics").path("read-records").asLong());
                values[1] = 0;
                values[2] = 0;
                seen = true;
            }
        }
    }

    /** The job's state at the last {@link #refresh()}. */
    public String state() {
        return state;
    }

    private void find(JsonNode job) throws IOException {
        for (JsonNode vertex : job.path("vertices")) {
            String id = vertex.path("id").asText();
            List<String> found = new ArrayList<>();
            List<String> names = rest.vertexMetricNames(jobId, id);
            for (String name : NAMES) {
                String suffix = "." + ProgressMetrics.GROUP + "." + name;
                names.stream().filter(n -> n.endsWith(suffix)).findFirst().ifPresent(found::add);
            }
            if (found.size() == NAMES.size()) {
                vertexId = id;
                metricIds = found;
                return;
            }
        }
    }

    @Override
    public boolean seen() {
        return seen;
    }

    @Override
    public long count(String name) {
        int i = NAMES.indexOf(name);
        return i < 0 ? 0 : values[i];
    }

    @Override
    public long gauge(String name) {
        return count(name);
    }

    @Override
    public String waiting() {
        return "job " + state.toLowerCase(Locale.ROOT) + " on the cluster...";
    }
}
