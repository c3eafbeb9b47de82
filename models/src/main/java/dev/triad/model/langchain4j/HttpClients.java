package dev.triad.model.langchain4j;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.triad.model.CallHeader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * The HTTP client every provider is built with: langchain4j's JDK client over HTTP/1.1, which also
 * sends each call's {@link CallHeader} (langchain4j has no per-request headers, so the pool thread
 * that runs a blocking {@code chat()} names its call for the duration, see {@link #during}).
 */
final class HttpClients {

    /** The header of the call the current thread is making, or {@code null}. */
    private static final ThreadLocal<String> CURRENT_CALL = new ThreadLocal<>();

    private HttpClients() {}

    /**
     * langchain4j's JDK client, named here rather than found through ServiceLoader so a shaded jar
     * that lost META-INF/services still works; HTTP/1.1 because inference servers speak it and the
     * h2c upgrade only costs a round trip.
     */
    static HttpClientBuilder jdkHttp11() {
        return new CallHeaderBuilder(
                JdkHttpClient.builder()
                        .httpClientBuilder(
                                java.net.http.HttpClient.newBuilder()
                                        .version(java.net.http.HttpClient.Version.HTTP_1_1)));
    }

    /** Runs {@code call} on this thread with {@code header} sent on its HTTP requests. */
    static <T> T during(String header, Supplier<T> call) {
        if (header == null) {
            return call.get();
        }
        CURRENT_CALL.set(header);
        try {
            return call.get();
        } finally {
            CURRENT_CALL.remove();
        }
    }

    private static HttpRequest withCallHeader(HttpRequest request) {
        String header = CURRENT_CALL.get();
        if (header == null) {
            return request;
        }
        return HttpRequest.builder()
                .method(request.method())
                .url(request.url())
                .headers(new LinkedHashMap<>(request.headers()))
                .addHeader(CallHeader.NAME, header)
                .body(request.body())
                .build();
    }

    /** Builds the delegate's client, wrapped so that it adds the call header. */
    private static final class CallHeaderBuilder implements HttpClientBuilder {
        private final HttpClientBuilder delegate;

        CallHeaderBuilder(HttpClientBuilder delegate) {
            this.delegate = delegate;
        }

        @Override
        public Duration connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            delegate.connectTimeout(timeout);
            return this;
        }

        @Override
        public Duration readTimeout() {
            return delegate.readTimeout();
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            delegate.readTimeout(timeout);
            return this;
        }

        @Override
        public HttpClient build() {
            HttpClient client = delegate.build();
            return new HttpClient() {
                @Override
                public SuccessfulHttpResponse execute(HttpRequest request) {
                    return client.execute(withCallHeader(request));
                }

                @Override
                public void execute(
                        HttpRequest request,
                        ServerSentEventParser parser,
                        ServerSentEventListener listener) {
                    client.execute(withCallHeader(request), parser, listener);
                }
            };
        }
    }
}
