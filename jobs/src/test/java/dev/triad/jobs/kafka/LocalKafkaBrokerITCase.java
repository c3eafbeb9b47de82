package dev.triad.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.local.LocalKafkaBroker;
import dev.triad.jobs.local.LocalScript;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ./triad kafka start|status|stop} run a real broker that clients can reach. */
class LocalKafkaBrokerITCase {

    @Test
    void startAnswersStatusNamesItAndStopEndsIt() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "kafka-script");
        String address;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir)) {
            address = broker.bootstrap();
            assertThat(address).matches("127\\.0\\.0\\.1:\\d+");
            LocalScript.Result status = broker.status();
            assertThat(status.exit()).isZero();
            assertThat(status.output()).contains("running: PID").contains(address);
            String[] hostPort = address.split(":");
            try (Socket socket = new Socket()) {
                socket.connect(
                        new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
            }
            // A second start on the same folder is refused: one broker per log folder.
            LocalScript.Result again =
                    LocalKafkaBroker.SCRIPT.run(
                            "start", "--port", hostPort[1], "--dir", dir.toString());
            assertThat(again.exit()).isEqualTo(2);
            assertThat(again.output()).contains("already running");
        }
        LocalScript.Result after = LocalKafkaBroker.SCRIPT.run("status", "--dir", dir.toString());
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.output()).contains("not running");
    }

    @Test
    void aBadPortIsAUsageError() throws Exception {
        LocalScript.Result bad = LocalKafkaBroker.SCRIPT.run("start", "--port", "http");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("--port needs a port number");
    }
}
