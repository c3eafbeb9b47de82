package dev.triad.simulator.server;

import dev.triad.model.CallHeader;
import dev.triad.model.Role;
import dev.triad.simulator.LatencyModel;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection to a simulated replica: routes {@code POST /v1/chat/completions}, {@code
 * GET /v1/models}, {@code GET /health} and {@code GET /metrics}, and the same chat in Ollama's
 * ({@code POST /api/chat}, {@link OllamaWire}), Anthropic's ({@code POST /v1/messages}, {@link
 * AnthropicWire}) and Gemini's ({@code POST /v1beta/models/MODEL:generateContent}, {@link
 * GeminiWire}) formats, injects faults (each in the format's error shape), and plays one chat
 * completion at a time through the replica's scheduler with timers on the connection's event loop
 * (no thread per request). Requests pipelined behind one in flight wait their turn.
 *
 * <p>Threading: everything runs on the connection's event loop, except {@link Replica} calls, which
 * are thread-safe.
 */
final class ReplicaHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaHandler.class);

    static final String PATH_CHAT = "/v1/chat/completions";
    static final String PATH_MODELS = "/v1/models";
    static final String PATH_HEALTH = "/health";
    static final String PATH_METRICS = "/metrics";

    /** Header saying every answer is simulated, with the replica that gave it. */
    static final String HEADER_SIMULATED = "x-triad-simulated";

    static final String HEADER_REPLICA = "x-triad-replica";

    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private static final String NO_STATUS = "none";
    private static final String FINISH_STOP = "stop";
    private static final String FINISH_LENGTH = "length";

    /** The draw that leaves a latency as it is: {@code 1 + jitter × (2 × 0.5 − 1) = 1}. */
    private static final double NO_JITTER = 0.5;

    /** Keeps the jitter draws apart from the fault draws of the same seed. */
    private static final long JITTER_SALT = 0x632BE59BD9B4E019L;

    private static final String SIMULATED = " (SIMULATED fault injected by triad simulate-server)";

    private final ServerContext server;
    private final Replica replica;
    private final String replicaName;

    /** The wire formats a chat can come in: how each reads a request and writes answers. */
    private enum Api {
        OPENAI {
            @Override
            ChatRequest parse(InputStream body, String model) throws ChatRequest.Invalid {
                return ChatRequest.parse(body);
            }

            @Override
            byte[] completion(
                    OpenAiWire.Head head,
                    String content,
                    String finishReason,
                    OpenAiWire.Usage usage,
                    long totalNanos,
                    boolean empty) {
                return OpenAiWire.completion(head, content, finishReason, usage, empty);
            }

            @Override
            byte[] error(
                    HttpResponseStatus status,
                    String message,
                    String type,
                    String param,
                    String code) {
                return OpenAiWire.error(message, type, param, code);
            }
        },
        OLLAMA {
            @Override
            ChatRequest parse(InputStream body, String model) throws ChatRequest.Invalid {
                return OllamaWire.parse(body);
            }

            @Override
            byte[] completion(
                    OpenAiWire.Head head,
                    String content,
                    String finishReason,
                    OpenAiWire.Usage usage,
                    long totalNanos,
                    boolean empty) {
                return OllamaWire.completion(head, content, finishReason, usage, totalNanos, empty);
            }

            @Override
            byte[] error(
                    HttpResponseStatus status,
                    String message,
                    String type,
                    String param,
                    String code) {
                return OllamaWire.error(message);
            }
        },
        ANTHROPIC {
            @Override
            ChatRequest parse(InputStream body, String model) throws ChatRequest.Invalid {
                return AnthropicWire.parse(body);
            }

            @Override
            byte[] completion(
                    OpenAiWire.Head head,
                    String content,
                    String finishReason,
                    OpenAiWire.Usage usage,
                    long totalNanos,
                    boolean empty) {
                return AnthropicWire.message(head, content, finishReason, usage, empty);
            }

            @Override
            byte[] error(
                    HttpResponseStatus status,
                    String message,
                    String type,
                    String param,
                    String code) {
                return AnthropicWire.error(status.code(), message);
            }
        },
        GEMINI {
            @Override
            ChatRequest parse(InputStream body, String model) throws ChatRequest.Invalid {
                return GeminiWire.parse(body, model);
            }

            @Override
            byte[] completion(
                    OpenAiWire.Head head,
                    String content,
                    String finishReason,
                    OpenAiWire.Usage usage,
                    long totalNanos,
                    boolean empty) {
                return GeminiWire.response(head, content, finishReason, usage, empty);
            }

            @Override
            byte[] error(
                    HttpResponseStatus status,
                    String message,
                    String type,
                    String param,
                    String code) {
                return GeminiWire.error(status.code(), message);
            }
        };

        /** The request; {@code model} is the one a Gemini route names, else {@code null}. */
        abstract ChatRequest parse(InputStream body, String model) throws ChatRequest.Invalid;

        /** The whole answer at once (not streamed). */
        abstract byte[] completion(
                OpenAiWire.Head head,
                String content,
                String finishReason,
                OpenAiWire.Usage usage,
                long totalNanos,
                boolean empty);

        /**
         * An error body in the format's shape ({@code type}, {@code param}, {@code code}:
         * OpenAI's).
         */
        abstract byte[] error(
                HttpResponseStatus status, String message, String type, String param, String code);
    }

    private ChannelHandlerContext ctx;

    /** The format of the request being handled: its errors are written in it. */
    private Api api = Api.OPENAI;

    /** The model a Gemini route names. */
    private String geminiModel;

    private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
    private Exchange current;
    private boolean hanging;
    private boolean keepAlive = true;
    private boolean draining;

    ReplicaHandler(ServerContext server, Replica replica) {
        this.server = server;
        this.replica = replica;
        this.replicaName = Integer.toString(replica.index);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (current != null || hanging || draining) {
            pipelined.addLast(request.retain());
            return;
        }
        handle(request);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.abort();
            current = null;
        }
        if (hanging) {
            hanging = false;
            replica.hangEnded();
        }
        for (FullHttpRequest request; (request = pipelined.pollFirst()) != null; ) {
            request.release();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug(
                    "Replica {}: connection {} failed: {}",
                    replicaName,
                    ctx.channel(),
                    cause.toString());
        } else {
            LOG.warn("Replica {}: connection {} failed", replicaName, ctx.channel(), cause);
        }
        ctx.close();
    }

    // ------------------------------------------------------------------ routing

    private void handle(FullHttpRequest request) {
        keepAlive = HttpUtil.isKeepAlive(request);
        api = Api.OPENAI;
        if (!request.decoderResult().isSuccess()) {
            keepAlive = false;
            error(
                    HttpResponseStatus.BAD_REQUEST,
                    "The request is not valid HTTP/1.1.",
                    "invalid_request_error",
                    null,
                    null,
                    0);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        switch (path) {
            case PATH_CHAT:
                if (requireMethod(method, HttpMethod.POST)) {
                    chat(request);
                }
                break;
            case OllamaWire.PATH:
                api = Api.OLLAMA;
                if (requireMethod(method, HttpMethod.POST)) {
                    chat(request);
                }
                break;
            case AnthropicWire.PATH:
                api = Api.ANTHROPIC;
                if (requireMethod(method, HttpMethod.POST) && anthropicHeaders(request)) {
                    chat(request);
                }
                break;
            case PATH_MODELS:
                if (requireMethod(method, HttpMethod.GET)) {
                    respond(
                            HttpResponseStatus.OK,
                            JSON,
                            OpenAiWire.models(
                                    server.settings.modelName(),
                                    server.startedEpochSeconds,
                                    server.settings.maxModelLen()),
                            0);
                }
                break;
            case PATH_HEALTH:
                if (requireMethod(method, HttpMethod.GET)) {
                    respond(
                            HttpResponseStatus.OK,
                            JSON,
                            OpenAiWire.health(replica.index, server.settings.profile()),
                            0);
                }
                break;
            case PATH_METRICS:
                if (requireMethod(method, HttpMethod.GET)) {
                    respond(
                            HttpResponseStatus.OK,
                            PROMETHEUS,
                            (replica.metrics() + callMetrics()).getBytes(StandardCharsets.UTF_8),
                            0);
                }
                break;
            default:
                geminiModel = GeminiWire.model(path);
                if (geminiModel != null) {
                    api = Api.GEMINI;
                    if (requireMethod(method, HttpMethod.POST) && geminiKey(request)) {
                        chat(request);
                    }
                    break;
                }
                error(
                        HttpResponseStatus.NOT_FOUND,
                        "No route "
                                + path
                                + "; this simulated server serves POST "
                                + PATH_CHAT
                                + ", POST "
                                + OllamaWire.PATH
                                + ", POST "
                                + AnthropicWire.PATH
                                + ", POST "
                                + GeminiWire.PATH_PREFIX
                                + "MODEL"
                                + GeminiWire.METHOD
                                + ", GET "
                                + PATH_MODELS
                                + ", GET "
                                + PATH_HEALTH
                                + " and GET "
                                + PATH_METRICS
                                + ".",
                        "invalid_request_error",
                        null,
                        "not_found",
                        0);
        }
    }

    private boolean requireMethod(HttpMethod method, HttpMethod expected) {
        if (method.equals(expected)) {
            return true;
        }
        error(
                HttpResponseStatus.METHOD_NOT_ALLOWED,
                "Use " + expected + " for this route, not " + method + ".",
                "invalid_request_error",
                null,
                "method_not_allowed",
                0);
        return false;
    }

    /**
     * Anthropic's headers: 401 without {@code x-api-key} (any value passes: the simulated server
     * holds no keys; fault 401 refuses one), 400 without {@code anthropic-version}.
     */
    private boolean anthropicHeaders(FullHttpRequest request) {
        String key = request.headers().get(AnthropicWire.HEADER_API_KEY);
        if (key == null || key.isBlank()) {
            replica.answered("401", 0);
            error(
                    HttpResponseStatus.UNAUTHORIZED,
                    "x-api-key header is required",
                    "invalid_request_error",
                    null,
                    "invalid_api_key",
                    0);
            return false;
        }
        if (request.headers().get(AnthropicWire.HEADER_VERSION) == null) {
            replica.answered("400", 0);
            error(
                    HttpResponseStatus.BAD_REQUEST,
                    "anthropic-version: header is required",
                    "invalid_request_error",
                    null,
                    null,
                    0);
            return false;
        }
        return true;
    }

    /**
     * Gemini's key header: 403 without {@code x-goog-api-key}, as Gemini refuses unregistered
     * callers (any value passes: the simulated server holds no keys; fault 401 refuses one).
     */
    private boolean geminiKey(FullHttpRequest request) {
        String key = request.headers().get(GeminiWire.HEADER_API_KEY);
        if (key == null || key.isBlank()) {
            replica.answered("403", 0);
            error(
                    HttpResponseStatus.FORBIDDEN,
                    "Method doesn't allow unregistered callers (callers without established"
                            + " identity). Please use API Key or other form of API consumer"
                            + " identity to call this API.",
                    "invalid_request_error",
                    null,
                    null,
                    0);
            return false;
        }
        return true;
    }

    /** The answer in flight is written: handles the requests pipelined behind it. */
    private void next() {
        current = null;
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (current == null && !hanging && keepAlive && ctx.channel().isActive()) {
                FullHttpRequest request = pipelined.pollFirst();
                if (request == null) {
                    break;
                }
                try {
                    handle(request);
                } finally {
                    request.release();
                }
            }
        } finally {
            draining = false;
        }
    }

    // ------------------------------------------------------------------ chat completions

    private void chat(FullHttpRequest http) {
        ChatRequest request;
        try {
            request = api.parse(new ByteBufInputStream(http.content()), geminiModel);
        } catch (ChatRequest.Invalid e) {
            replica.answered("400", 0);
            error(
                    HttpResponseStatus.BAD_REQUEST,
                    e.getMessage(),
                    "invalid_request_error",
                    e.param,
                    null,
                    0);
            return;
        }
        int promptTokens = 0;
        PrefixCache.Hasher hasher = new PrefixCache.Hasher();
        for (int i = 0, n = request.messages().size(); i < n; i++) {
            int[] tokens = server.tokensOf(request.messages().get(i));
            promptTokens += tokens.length;
            hasher.add(tokens);
        }
        int maxModelLen = server.settings.maxModelLen();
        FaultType fault = replica.drawFault();
        if (fault != null) {
            switch (fault) {
                case HANG:
                    hanging = true;
                    replica.hangStarted();
                    replica.answered(NO_STATUS, 0);
                    return;
                case RESET:
                    replica.answered(NO_STATUS, 0);
                    reset();
                    return;
                case RATE_LIMITED:
                    replica.answered("429", 0);
                    error(
                            HttpResponseStatus.TOO_MANY_REQUESTS,
                            "Rate limit reached for requests; retry after "
                                    + server.settings.retryAfterSeconds()
                                    + " s."
                                    + SIMULATED,
                            "requests",
                            null,
                            "rate_limit_exceeded",
                            server.settings.retryAfterSeconds());
                    return;
                case SERVER_ERROR:
                    replica.answered("500", 0);
                    error(
                            HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "The server had an error while processing your request." + SIMULATED,
                            "server_error",
                            null,
                            null,
                            0);
                    return;
                case UNAVAILABLE:
                    replica.answered("503", 0);
                    error(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "The engine is currently overloaded, please try again later."
                                    + SIMULATED,
                            "server_error",
                            null,
                            "service_unavailable",
                            0);
                    return;
                case UNAUTHORIZED:
                    replica.answered("401", 0);
                    error(
                            HttpResponseStatus.UNAUTHORIZED,
                            "Incorrect API key provided." + SIMULATED,
                            "invalid_request_error",
                            null,
                            "invalid_api_key",
                            0);
                    return;
                case CONTEXT_LENGTH:
                    replica.answered("400", 0);
                    contextLength(maxModelLen, promptTokens, request.maxTokens(), SIMULATED);
                    return;
                default:
                    // Body faults: answered normally, spoilt when the body is written.
                    break;
            }
        }
        if ((long) promptTokens + request.maxTokens() > maxModelLen) {
            replica.answered("400", 0);
            contextLength(maxModelLen, promptTokens, request.maxTokens(), "");
            return;
        }
        Exchange exchange =
                new Exchange(
                        request,
                        http.headers().get(CallHeader.NAME),
                        promptTokens,
                        hasher.blocks(),
                        fault);
        current = exchange;
        switch (replica.admit(exchange)) {
            case RUN:
                exchange.start();
                break;
            case QUEUED:
                break;
            case REJECTED:
            default:
                current = null;
                replica.answered("429", 0);
                int retryAfter = replica.retryAfterSeconds();
                error(
                        HttpResponseStatus.TOO_MANY_REQUESTS,
                        "Replica "
                                + replicaName
                                + " is at max-num-seqs "
                                + server.settings.maxNumSeqs()
                                + " with "
                                + server.settings.maxWaiting()
                                + " requests waiting; retry after "
                                + retryAfter
                                + " s.",
                        "requests",
                        null,
                        "rate_limit_exceeded",
                        retryAfter);
        }
    }

    private void contextLength(int maxModelLen, int promptTokens, int maxTokens, String suffix) {
        error(
                HttpResponseStatus.BAD_REQUEST,
                "This model's maximum context length is "
                        + maxModelLen
                        + " tokens. However, you requested "
                        + ((long) promptTokens + maxTokens)
                        + " tokens ("
                        + promptTokens
                        + " in the messages, "
                        + maxTokens
                        + " in the completion). Please reduce the length of the messages or completion."
                        + suffix,
                "invalid_request_error",
                "messages",
                "context_length_exceeded",
                0);
    }

    /** What a reply that ignores {@code response_format} ({@code unstructured}) starts with. */
    static final String UNSTRUCTURED_PREFIX = "Here is the JSON you asked for:\n";

    /**
     * The JSON object of an oracle's reply without the prose or code fence around it: what an
     * engine decoding under {@code response_format} lets through. A reply without one is kept.
     */
    static String bareJson(String text) {
        int from = text.indexOf('{');
        int to = text.lastIndexOf('}');
        return from >= 0 && to > from ? text.substring(from, to + 1) : text;
    }

    /** Closes the connection with a TCP reset instead of a FIN. */
    private void reset() {
        keepAlive = false;
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
    }

    // ------------------------------------------------------------------ writing

    private void error(
            HttpResponseStatus status,
            String message,
            String type,
            String param,
            String code,
            int retryAfterSeconds) {
        respond(status, JSON, api.error(status, message, type, param, code), retryAfterSeconds);
    }

    private void respond(
            HttpResponseStatus status, String contentType, byte[] body, int retryAfterSeconds) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HEADER_SIMULATED, "true")
                .set(HEADER_REPLICA, replicaName);
        if (retryAfterSeconds > 0) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        next();
    }

    /**
     * The role whose latency figures a request takes: the role its {@value CallHeader#NAME} header
     * names, or the solver's when it has none. Only looked up where roles differ.
     */
    /** The server-wide call counters, in Prometheus' text format. */
    private String callMetrics() {
        String labels =
                "{model_name=\""
                        + server.settings.modelName().replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\"} ";
        return "# HELP triad_sim_calls_answered_total Distinct Triad calls (by X-Triad-Call)"
                + " answered with a usable reply, across all replicas of this server.\n"
                + "# TYPE triad_sim_calls_answered_total counter\n"
                + "triad_sim_calls_answered_total"
                + labels
                + server.callsAnswered()
                + "\n# HELP triad_sim_calls_answered_again_total Usable answers to a Triad call that"
                + " had been answered before (a completed call made again), across all replicas.\n"
                + "# TYPE triad_sim_calls_answered_again_total counter\n"
                + "triad_sim_calls_answered_again_total"
                + labels
                + server.callsAnsweredAgain()
                + "\n";
    }

    static Role latencyRole(LatencyModel latency, String callHeader) {
        if (latency.isUniform() || callHeader == null) {
            return Role.SOLVER;
        }
        Role role = CallHeader.role(callHeader);
        return role != null ? role : Role.SOLVER;
    }

    /**
     * One chat completion in flight: asks the oracle when it gets a slot, then plays the latency
     * model with timers on the event loop: prefill until the first token, then one token per
     * inter-token interval (streamed as chunks, or answered in one body at the end).
     */
    private final class Exchange extends Replica.Sequence {
        private final ChatRequest request;
        private final String call;
        private final int promptTokens;
        private final long[] blocks;
        private final FaultType fault;
        private final OpenAiWire.Head head;
        private final Api wire = api;

        private ScheduledFuture<?> timer;
        private long totalNanos;
        private boolean answered;
        private int cachedTokens;
        private int completionTokens;
        private String content;
        private String finishReason;
        private double ttftSeconds;
        private List<String> pieces;
        private int piece;
        private long pieceNanos;
        private boolean truncateStream;

        Exchange(
                ChatRequest request,
                String call,
                int promptTokens,
                long[] blocks,
                FaultType fault) {
            this.request = request;
            this.call = call;
            this.promptTokens = promptTokens;
            this.blocks = blocks;
            this.fault = fault;
            this.head =
                    new OpenAiWire.Head(
                            server.nextId(replica.index),
                            System.currentTimeMillis() / 1000,
                            request.model() != null
                                    ? request.model()
                                    : server.settings.modelName());
        }

        @Override
        EventExecutor executor() {
            return ctx.executor();
        }

        @Override
        void start() {
            if (current != this || !ctx.channel().isActive()) {
                replica.release(this);
                return;
            }
            ServerSettings s = server.settings;
            cachedTokens = replica.cachedTokens(blocks, promptTokens);
            String text = server.oracle.reply(request.messages(), call);
            if (fault == FaultType.UNSTRUCTURED) {
                text = UNSTRUCTURED_PREFIX + bareJson(text);
            } else if (request.structured()) {
                text = bareJson(text);
            }
            int tokens = server.tokens.count(text);
            finishReason = FINISH_STOP;
            if (request.maxTokens() > 0 && tokens > request.maxTokens()) {
                text = server.tokens.truncate(text, request.maxTokens());
                tokens = request.maxTokens();
                finishReason = FINISH_LENGTH;
            }
            content = text;
            completionTokens = tokens;
            LatencyModel latency = s.latency();
            Role role = latencyRole(latency, call);
            double factor = latency.factor(replica.slowdown(), jitterUnit(latency));
            double ttftMs = latency.timeToFirstTokenMs(role, promptTokens - cachedTokens, factor);
            double decodeMs = latency.decodeMs(role, tokens, factor);
            ttftSeconds = ttftMs / 1000.0;
            totalNanos = (long) ((ttftMs + decodeMs) * 1_000_000);
            if (request.stream()) {
                pieces = server.tokens.pieces(text);
                if (pieces.isEmpty()) {
                    pieces = List.of("");
                }
                pieceNanos = (long) (decodeMs * 1_000_000 / Math.max(1, pieces.size() - 1));
                after(ttftMs * 1_000_000, this::firstToken);
            } else {
                long decodeNanos = (long) (decodeMs * 1_000_000);
                after(
                        ttftMs * 1_000_000,
                        () -> {
                            prefilled();
                            after(decodeNanos, this::complete);
                        });
            }
        }

        /** The request's draw for the latency jitter: a function of the seed and the request id. */
        private double jitterUnit(LatencyModel latency) {
            if (latency.jitter() == 0) {
                return NO_JITTER;
            }
            long h = PrefixCache.mix(server.settings.seed() * JITTER_SALT + head.id().hashCode());
            return (h >>> 11) * 0x1.0p-53;
        }

        /** Runs the task after the delay, inline when there is none. */
        private void after(double nanos, Runnable task) {
            if (nanos < 1) {
                timer = null;
                task.run();
            } else {
                timer = ctx.executor().schedule(task, (long) nanos, TimeUnit.NANOSECONDS);
            }
        }

        private void prefilled() {
            replica.prefilled(blocks, ttftSeconds);
        }

        private OpenAiWire.Usage usage() {
            return new OpenAiWire.Usage(promptTokens, completionTokens, cachedTokens);
        }

        /** The whole body at once (not streaming). */
        private void complete() {
            timer = null;
            byte[] body =
                    wire.completion(
                            head,
                            content,
                            finishReason,
                            usage(),
                            totalNanos,
                            fault == FaultType.EMPTY_CHOICES);
            done("200");
            if (fault == FaultType.MALFORMED) {
                // Valid HTTP, but the JSON stops halfway: the client's parser must fail.
                body = Arrays.copyOf(body, body.length / 2);
            }
            if (fault == FaultType.TRUNCATED) {
                keepAlive = false;
                HttpResponse response =
                        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                response.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, JSON)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                        .set(HEADER_SIMULATED, "true")
                        .set(HEADER_REPLICA, replicaName);
                ctx.write(response);
                ctx.writeAndFlush(
                                new DefaultHttpContent(
                                        Unpooled.wrappedBuffer(body, 0, body.length / 2)))
                        .addListener(ChannelFutureListener.CLOSE);
                current = null;
                return;
            }
            respond(HttpResponseStatus.OK, JSON, body, 0);
        }

        /**
         * Streaming: the headers, the role chunk and the first token at the time to first token.
         */
        private void firstToken() {
            timer = null;
            prefilled();
            HttpResponse response =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                    .set(HEADER_SIMULATED, "true")
                    .set(HEADER_REPLICA, replicaName);
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.write(response);
            boolean empty = fault == FaultType.EMPTY_CHOICES;
            event(OpenAiWire.chunk(head, "assistant", "", null, empty, request.includeUsage()));
            truncateStream = fault == FaultType.TRUNCATED;
            emit();
        }

        /** Streaming: token chunks, one per inter-token interval (all at once with no latency). */
        private void emit() {
            timer = null;
            boolean empty = fault == FaultType.EMPTY_CHOICES;
            while (piece < pieces.size()) {
                if (truncateStream && piece >= pieces.size() / 2) {
                    // The stream stops mid-way: no last chunk, no [DONE], no terminating chunk.
                    done("200");
                    keepAlive = false;
                    ctx.flush();
                    ctx.close();
                    current = null;
                    return;
                }
                if (piece == 0 && fault == FaultType.MALFORMED) {
                    event(
                            ("data: {\"id\": \""
                                            + head.id()
                                            + "\", \"object\": \"chat.completion.chunk\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \n\n")
                                    .getBytes(StandardCharsets.UTF_8));
                } else {
                    event(
                            OpenAiWire.chunk(
                                    head,
                                    null,
                                    pieces.get(piece),
                                    null,
                                    empty,
                                    request.includeUsage()));
                }
                piece++;
                if (pieceNanos > 0 && piece < pieces.size()) {
                    ctx.flush();
                    after(pieceNanos, this::emit);
                    return;
                }
            }
            event(OpenAiWire.chunk(head, null, null, finishReason, empty, request.includeUsage()));
            if (request.includeUsage()) {
                event(OpenAiWire.usageChunk(head, usage()));
            }
            event(OpenAiWire.DONE);
            done("200");
            ChannelFuture written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            next();
        }

        private void event(byte[] bytes) {
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
        }

        /** The sequence is over: frees its slot and counts the answer. */
        private void done(String code) {
            if (!answered) {
                answered = true;
                replica.release(this);
                replica.answered(code, completionTokens);
                if ((fault == null || fault == FaultType.UNSTRUCTURED) && "200".equals(code)) {
                    server.callAnswered(call);
                }
            }
        }

        /** The client went away: stops the timers and frees the slot (as vLLM aborts). */
        void abort() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            done(NO_STATUS);
        }
    }
}
