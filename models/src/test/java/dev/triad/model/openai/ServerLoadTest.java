package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerLoadTest {

    @Test
    void readsVllmGaugesSummedOverTheirLabelSets() {
        String page =
                """
                # HELP vllm:num_requests_running Number of requests in model execution batches.
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{engine="0",model_name="qwen"} 12.0
                vllm:num_requests_running{engine="1",model_name="qwen"} 4.0
                # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{engine="0",model_name="qwen"} 3.0
                vllm:num_requests_waiting_by_reason{reason="capacity"} 99.0
                vllm:num_requests_waiting{engine="1",model_name="qwen"} 0.0
                """;

        assertThat(ServerLoad.parse(page)).contains(new ServerLoad(16, 3));
    }

    @Test
    void readsSglangAndLlamaCppNamesAndBareSamples() {
        assertThat(
                        ServerLoad.parse(
                                "sglang:num_running_reqs{model_name=\"m\"} 7\n"
                                        + "sglang:num_queue_reqs{model_name=\"m\"} 2\n"))
                .contains(new ServerLoad(7, 2));
        assertThat(ServerLoad.parse("llamacpp:requests_processing 1\nllamacpp:requests_deferred 5"))
                .contains(new ServerLoad(1, 5));
    }

    @Test
    void aPageWithoutBothGaugesOfOneServerHasNoLoad() {
        assertThat(ServerLoad.parse("")).isEmpty();
        assertThat(ServerLoad.parse("process_cpu_seconds_total 12.5\n")).isEmpty();
        assertThat(ServerLoad.parse("vllm:num_requests_running 3\nsglang:num_queue_reqs 1\n"))
                .isEmpty();
        assertThat(ServerLoad.parse("vllm:num_requests_running oops\nvllm:num_requests_waiting 1"))
                .isEmpty();
    }
}
