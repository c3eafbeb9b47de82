package dev.triad.model.langchain4j;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import java.net.http.HttpClient;

/** The HTTP client every provider is built with. Stateless. */
final class HttpClients {

    private HttpClients() {}

    /**
     * langchain4j's JDK client, named here rather than found through ServiceLoader so a shaded jar
     * that lost META-INF/services still works; HTTP/1.1 because inference servers speak it and the
     * h2c upgrade only costs a round trip.
     */
    static HttpClientBuilder jdkHttp11() {
        return JdkHttpClient.builder()
                .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    }
}
