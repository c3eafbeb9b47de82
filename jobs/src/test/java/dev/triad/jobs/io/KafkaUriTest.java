package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaUriTest {

    @Test
    void anInputWithDefaults() {
        KafkaUri uri = KafkaUri.input("kafka://localhost:9092/questions", "--input");

        assertThat(uri.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(uri.topic()).isEqualTo("questions");
        assertThat(uri.group()).isEqualTo("triad-questions");
        assertThat(uri.start()).isEqualTo(KafkaUri.Start.COMMITTED);
        assertThat(uri.bounded()).isFalse();
        assertThat(uri).hasToString("kafka://localhost:9092/questions");
    }

    @Test
    void anInputWithEveryParameterAndSeveralBrokers() {
        KafkaUri uri =
                KafkaUri.input(
                        "KAFKA://b1:9092,b2.example.com:19092/q.in_1"
                                + "?group=my-group&start=Earliest&bounded=true",
                        "--input");

        assertThat(uri.bootstrapServers()).isEqualTo("b1:9092,b2.example.com:19092");
        assertThat(uri.topic()).isEqualTo("q.in_1");
        assertThat(uri.group()).isEqualTo("my-group");
        assertThat(uri.start()).isEqualTo(KafkaUri.Start.EARLIEST);
        assertThat(uri.bounded()).isTrue();
        assertThat(KafkaUri.input("kafka://h:1/t?start=latest&bounded=false", "--input"))
                .satisfies(
                        u -> {
                            assertThat(u.start()).isEqualTo(KafkaUri.Start.LATEST);
                            assertThat(u.bounded()).isFalse();
                        });
    }

    @Test
    void anOutputAndItsDeadLetterTopic() {
        KafkaUri uri = KafkaUri.output("kafka://127.0.0.1:9092/results", "--output");

        assertThat(uri.topic()).isEqualTo("results");
        assertThat(uri.withTopic("results.dead-letters"))
                .hasToString("kafka://127.0.0.1:9092/results.dead-letters");
    }

    @Test
    void onlyTheKafkaSchemeIsKafka() {
        assertThat(KafkaUri.isKafka("kafka://h:1/t")).isTrue();
        assertThat(KafkaUri.isKafka("Kafka://h:1/t")).isTrue();
        assertThat(KafkaUri.isKafka("data/q.jsonl")).isFalse();
        assertThat(KafkaUri.isKafka("kafka")).isFalse();
        assertThat(KafkaUri.isKafka(null)).isFalse();
    }

    @Test
    void malformedUrisNameTheOptionTheRuleAndTheFix() {
        assertError("kafka://localhost:9092", "names no topic", "kafka://HOST:PORT/TOPIC");
        assertError("kafka:///questions", "names no broker", "kafka://HOST:PORT/TOPIC");
        assertError("kafka://localhost/questions", "'localhost' is not HOST:PORT", "e.g.");
        assertError("kafka://h:1,/questions", "'' is not HOST:PORT", "e.g.");
        assertError("kafka://h:1/", "is not a topic name", "e.g.");
        assertError("kafka://h:1/a/b", "'a/b' is not a topic name", "e.g.");
        assertError("kafka://h:1/t?start=middle", "start must be earliest, latest or committed");
        assertError("kafka://h:1/t?bounded=yes", "bounded must be true or false, was 'yes'");
        assertError("kafka://h:1/t?from=0", "unknown parameter 'from'", "group, start and bounded");
        assertError("kafka://h:1/t?group", "'group' is not NAME=VALUE");
        assertError("kafka://h:1/t?group=", "group is empty");
        assertError("kafka://h:1/t?start=earliest&start=latest", "'start' is given twice");
    }

    @Test
    void listsTheBootstrapHostsThatDoNotResolve() {
        // Resolved by a stand-in: a test sends no DNS query off the machine.
        KafkaUri uri = KafkaUri.output("kafka://127.0.0.1:9092,nowhere.example:9093/t", "--output");

        assertThat(uri.serverCount()).isEqualTo(2);
        assertThat(uri.unresolvableHosts(host -> !host.endsWith(".example")))
                .containsExactly("nowhere.example");
        assertThat(
                        KafkaUri.output("kafka://[::1]:9092/t", "--output")
                                .unresolvableHosts(host -> host.equals("::1")))
                .isEmpty();
        assertThat(KafkaUri.resolvesHere("127.0.0.1")).isTrue();
    }

    @Test
    void anOutputTakesNoParameters() {
        assertThatThrownBy(() -> KafkaUri.output("kafka://h:1/t?bounded=true", "--output"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--output 'kafka://h:1/t?bounded=true'")
                .hasMessageContaining("an output takes none")
                .hasMessageContaining("kafka://HOST:PORT/TOPIC, e.g.");
    }

    private static void assertError(String value, String... parts) {
        assertThatThrownBy(() -> KafkaUri.input(value, "--input"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--input '" + value + "'")
                .hasMessageContainingAll(parts);
    }
}
