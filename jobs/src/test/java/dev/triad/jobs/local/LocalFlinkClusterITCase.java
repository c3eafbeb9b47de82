package dev.triad.jobs.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./triad cluster start|add-taskmanager|status|stop} run a real standalone Flink cluster: a
 * JobManager and TaskManagers as separate JVMs, which its REST API counts.
 */
class LocalFlinkClusterITCase {

    private static final LocalScript CLUSTER = LocalScript.named("flink-cluster");
    private static final Pattern PID =
            Pattern.compile("(jobmanager|taskmanager-\\d+) PID (\\d+)\\n");

    @Test
    void startAddATaskManagerStatusAndStop() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "flink-cluster");
        String d = dir.toString();
        try {
            LocalScript.Started start = CLUSTER.startOnFreePorts(dir, "--slots", "2");
            LocalScript.Result started = start.result();
            int port = start.port();
            assertThat(started.exit()).as(started.output()).isZero();
            String web = started.stdout().strip();
            assertThat(web).isEqualTo("http://127.0.0.1:" + port);
            assertThat(overview(web)).contains("\"taskmanagers\":1").contains("\"slots-total\":2");

            LocalScript.Result added = CLUSTER.run("add-taskmanager", "--dir", d);
            assertThat(added.exit()).as(added.output()).isZero();
            assertThat(overview(web)).contains("\"taskmanagers\":2").contains("\"slots-total\":4");

            LocalScript.Result status = CLUSTER.run("status", "--dir", d);
            assertThat(status.exit()).isZero();
            assertThat(status.stdout()).contains(web).contains("TaskManagers registered: 2");
            Matcher pids = PID.matcher(status.stdout());
            int processes = 0;
            while (pids.find()) {
                long pid = Long.parseLong(pids.group(2));
                assertThat(ProcessHandle.of(pid)).as(pids.group(1)).isPresent();
                processes++;
            }
            assertThat(processes).as("JobManager and TaskManagers, each its own JVM").isEqualTo(3);
        } finally {
            CLUSTER.run("stop", "--dir", d);
        }
        LocalScript.Result after = CLUSTER.run("status", "--dir", d);
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.stdout()).contains("not running");
    }

    @Test
    void aBadOptionIsAUsageError() throws Exception {
        LocalScript.Result bad = CLUSTER.run("start", "--taskmanagers", "many");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("--taskmanagers needs a whole number from 1 to 16");
    }

    private static String overview(String web) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(web + "/overview")).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
