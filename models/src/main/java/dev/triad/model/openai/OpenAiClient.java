package dev.triad.model.openai;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallHeader;
import dev.triad.model.FleetStatus;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelMetricGroup;
import dev.triad.model.ModelRequest;
import dev.triad.model.openai.OpenAiCallException.Kind;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible client: one try per {@link #complete} call, on one or more replicas ({@code
 * POST /chat/completions}), without blocking: the JDK {@link HttpClient} on HTTP/1.1 (vLLM refuses
 * the h2c upgrade) with pooled keep-alive connections, {@code sendAsync} only. {@link
 * OpenAiCompatibleModel} wraps it in the {@link dev.triad.model.RetryingChatModel} that retries.
 *
 * <p>Each call is routed to a replica ({@link Routing}: prefix affinity by question id with bounded
 * load, or least outstanding), queued there, and sent once the replica has a free slot under its
 * adaptive concurrency limit, a request and the estimated tokens in its rate-limit buckets, and is
 * past any {@code Retry-After} it gave; the try is bounded by the call timeout. Failures are mapped
 * by {@link OpenAiErrors}; a replica that refuses connections is skipped for a while and its queued
 * calls move to the next replica on the ring.
 *
 * <p>When every replica is failing (refused or broken connections, 5xx) the fleet is down ({@link
 * FleetOutage}): calls wait in the client instead of failing, one of them probes the replicas with
 * backoff, and all are sent again once a replica answers; {@link #fleetStatus()} says so, for the
 * caller that decides how long it waits.
 *
 * <p>With {@code stream=true} the answer is asked for as server-sent events and read chunk by chunk
 * as it arrives ({@link ChatStream}); the completion is the same, and each replica's {@link
 * EndpointStats#timeToFirstToken()} holds the time from sending to the first chunk with a choice.
 * Faults inside a stream (a chunk that is not JSON, a stream cut off, an error sent mid-stream) are
 * retriable like their plain counterparts.
 *
 * <p>Guarantees: {@link #complete} never blocks (it renders the request and queues it); no thread
 * waits for a slot, a token or an answer: waits are timers on one scheduler thread (which the retry
 * decorator shares, {@link #schedule}), and answers are handled on {@code http-threads} threads. A
 * call's future fails with an {@link OpenAiCallException}. The API key is sent as {@code
 * Authorization: Bearer …} and never appears in {@link #toString()}, {@link #stats()}, exception
 * messages or logs.
 *
 * <p>Threading: thread-safe. {@link #close()} fails queued calls and cancels those in flight.
 */
final class OpenAiClient implements AsyncChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiClient.class);

    /** The {@code User-Agent} the client sends. */
    static final String USER_AGENT = "triad-openai-client";

    private static final String THREAD_PREFIX = OpenAiCompatibleModel.THREAD_PREFIX;

    /** How often a replica's load gauges are read while the client has calls for it. */
    static final long GAUGE_INTERVAL_MS = 500;

    /** The most a reading of a replica's gauges may take; a slower one is dropped. */
    private static final Duration GAUGE_TIMEOUT = Duration.ofSeconds(2);

    private final OpenAiCompatibleBinding binding;
    private final ApiKey key;
    private final int subtask;
    private final ReplicaEndpoint[] replicas;
    private final ReplicaRouter router;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private final Set<Attempt> onTheWire = ConcurrentHashMap.newKeySet();
    private final FleetOutage outage;
    private final HedgePolicy hedging;
    private final AtomicInteger slowNow = new AtomicInteger();

    /** Calls whose try and hedge both waited unusually long, ended and left to the retry policy. */
    private final LongAdder bothHung = new LongAdder();

    private volatile boolean closed;

    OpenAiClient(OpenAiCompatibleBinding binding, ApiKey key, int subtask, int parallelism) {
        this.binding = binding;
        this.key = key;
        this.subtask = subtask;
        List<String> urls = binding.baseUrls();
        this.replicas = new ReplicaEndpoint[urls.size()];
        for (int i = 0; i < replicas.length; i++) {
            replicas[i] =
                    new ReplicaEndpoint(
                            i,
                            urls.get(i),
                            binding,
                            binding.model(),
                            OpenAiCompatibleBinding.share(binding.requestsPerMinute(), parallelism),
                            OpenAiCompatibleBinding.share(binding.tokensPerMinute(), parallelism),
                            parallelism);
        }
        this.router = router(binding, urls);
        this.outage = new FleetOutage(String.join(",", urls), replicas.length, new Fleet());
        this.hedging = new HedgePolicy(binding);
        for (ReplicaEndpoint replica : replicas) {
            replica.hedgeAfterNanos = hedging.delayNanos(replica.latency); // cold: no answers yet
        }
        this.scheduler =
                new ScheduledThreadPoolExecutor(1, threads(THREAD_PREFIX + "-timer-" + subtask));
        scheduler.setRemoveOnCancelPolicy(true);
        this.httpExecutor =
                Executors.newFixedThreadPool(
                        binding.httpThreads(), threads(THREAD_PREFIX + "-http-" + subtask));
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(binding.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(httpExecutor)
                        .build();
        if (binding.concurrencyLimit() == OpenAiCompatibleBinding.ConcurrencyLimit.QUEUE) {
            scheduler.scheduleWithFixedDelay(
                    this::readGauges, GAUGE_INTERVAL_MS, GAUGE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        LOG.info(
                "OpenAI-compatible model (subtask {}): {} replica(s) {}, model {}, routing {},"
                        + " concurrency {} {} (max {}), timeout {} ms, {}, rpm {}, tpm {},"
                        + " stream {}; API key {}",
                subtask,
                replicas.length,
                urls,
                binding.model() == null ? "(first listed)" : binding.model(),
                binding.routing().key(),
                binding.concurrencyLimit().key(),
                binding.initialConcurrency(),
                binding.maxConcurrency(),
                binding.callTimeout().toMillis(),
                binding.retryPolicy(),
                perSubtask(binding.requestsPerMinute(), parallelism),
                perSubtask(binding.tokensPerMinute(), parallelism),
                binding.stream(),
                key.present() ? "from " + binding.apiKey().where() : "none sent");
    }

    private static String perSubtask(long perMinute, int parallelism) {
        if (perMinute <= 0) {
            return "unlimited";
        }
        long share = OpenAiCompatibleBinding.share(perMinute, parallelism);
        return parallelism > 1
                ? share + " (" + perMinute + " shared by " + parallelism + " subtasks)"
                : String.valueOf(perMinute);
    }

    private static ReplicaRouter router(OpenAiCompatibleBinding binding, List<String> urls) {
        switch (binding.routing()) {
            case LEAST_OUTSTANDING:
                return new LeastOutstandingRouter();
            case ROUND_ROBIN:
                return new RoundRobinRouter();
            case AFFINITY:
            default:
                return new ConsistentHashRouter(
                        urls, ConsistentHashRouter.DEFAULT_VIRTUAL_NODES, binding.loadFactor());
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    OpenAiCompatibleBinding binding() {
        return binding;
    }

    /** One try: rendered, routed, queued at the replica, sent when it may be. */
    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(OpenAiErrors.closed(endpoints()));
        }
        Call call;
        try {
            call =
                    new Call(
                            request,
                            binding.stream(),
                            binding.structured(),
                            binding.maxChars(),
                            binding.maxItems(),
                            binding.maxTokens());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(
                    new ModelCallException(
                            "the "
                                    + request
                                    + " could not be rendered for "
                                    + endpoints()
                                    + ": "
                                    + e.getMessage(),
                            false,
                            e));
        }
        Attempt attempt = new Attempt(call);
        dispatch(attempt);
        return attempt.result;
    }

    /**
     * Runs {@code task} on the client's timer thread after {@code nanos}; the retry decorator's
     * waits.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the client is closed
     */
    void schedule(Runnable task, long nanos) {
        scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    private void dispatch(Attempt attempt) {
        if (outage.parkIfDown(attempt)) {
            return; // it waits for the fleet
        }
        ReplicaEndpoint replica = choose(attempt.call.key, attempt.call.estimatedTokens);
        replica.enqueue(attempt);
        if (closed) {
            failQueued(replica);
            return;
        }
        pump(replica);
    }

    /**
     * The replica for a call: among those not ejected and past their {@code Retry-After}; when all
     * are asked to wait, the one the router picks anyway (the call waits there); when all are
     * ejected, any (the call then fails fast and is retried).
     */
    private ReplicaEndpoint choose(String affinityKey, long promptTokens) {
        long now = System.nanoTime();
        int i = router.route(affinityKey, promptTokens, new View(now, View.READY));
        if (i < 0) {
            i = router.route(affinityKey, promptTokens, new View(now, View.NOT_DOWN));
        }
        if (i < 0) {
            i = router.route(affinityKey, promptTokens, new View(now, View.ALL));
        }
        return replicas[i];
    }

    /** Sends every queued call of the replica that may start now. */
    private void pump(ReplicaEndpoint replica) {
        while (!closed) {
            Attempt next = replica.pollReady(System.nanoTime(), nanos -> wakeUp(replica, nanos));
            if (next == null) {
                return;
            }
            send(replica, next);
        }
    }

    private ScheduledFuture<?> wakeUp(ReplicaEndpoint replica, long nanos) {
        try {
            return scheduler.schedule(() -> pump(replica), nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    private void send(ReplicaEndpoint replica, Attempt attempt) {
        attempt.startNanos = System.nanoTime();
        onTheWire.add(attempt);
        CompletableFuture<String> model = modelOf(replica);
        if (model.isDone() && !model.isCompletedExceptionally()) {
            exchange(replica, attempt, model.join());
            return;
        }
        model.whenComplete(
                (name, error) -> {
                    if (error != null) {
                        if (attempt.finish()) {
                            done(
                                    replica,
                                    attempt,
                                    null,
                                    OpenAiErrors.forFailure(
                                            replica.baseUrl, error, binding.callTimeout()));
                        }
                    } else {
                        exchange(replica, attempt, name);
                    }
                });
    }

    /**
     * Reads the load gauges of each replica the client has calls for (one reading at a time per
     * replica) and lets them steer its {@link ServerQueueLimit}. A replica whose page has no gauges
     * the client understands, or that has no page (404, or 501 from llama-server without
     * --metrics), is not read again: AIMD steers its limit. A reading that fails otherwise is
     * dropped; the limit falls back to AIMD while readings are stale.
     */
    private void readGauges() {
        for (ReplicaEndpoint replica : replicas) {
            if (closed
                    || replica.noGauges
                    || replica.load == 0
                    || !replica.reading.compareAndSet(false, true)) {
                continue;
            }
            HttpRequest.Builder get =
                    HttpRequest.newBuilder(replica.metricsUri)
                            .timeout(GAUGE_TIMEOUT)
                            .header("Accept", "text/plain")
                            .header("User-Agent", USER_AGENT)
                            .GET();
            if (key.present()) {
                get.header("Authorization", key.bearer());
            }
            http.sendAsync(get.build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete(
                            (response, error) -> {
                                replica.reading.set(false);
                                if (error == null) {
                                    onGauges(replica, response);
                                }
                            });
        }
    }

    private void onGauges(ReplicaEndpoint replica, HttpResponse<String> response) {
        int status = response.statusCode();
        // 404, or 501 (llama-server without --metrics): the server has no such page.
        boolean noPage = status == 404 || status == 501;
        if (status / 100 != 2 && !noPage) {
            return; // the server is busy or failing: the calls themselves will tell
        }
        java.util.Optional<ServerLoad> load =
                noPage ? java.util.Optional.empty() : ServerLoad.parse(response.body());
        if (load.isEmpty()) {
            replica.noGauges = true;
            replica.queueLimit.noReadings();
            LOG.info(
                    "{} publishes no running/waiting gauges at {} (vLLM, SGLang and llama.cpp"
                            + " --metrics do); its concurrency limit follows AIMD",
                    replica.baseUrl,
                    replica.metricsUri);
            return;
        }
        replica.queueLimit.onReading(
                System.nanoTime(), load.get(), replica.inFlight(), replica.queued());
        pump(replica);
    }

    /** The replica's model name: configured, or looked up once with {@code GET /models}. */
    private CompletableFuture<String> modelOf(ReplicaEndpoint replica) {
        CompletableFuture<String> model = replica.model();
        if (model != null && !model.isCompletedExceptionally()) {
            return model;
        }
        synchronized (replica) {
            model = replica.model();
            if (model == null || model.isCompletedExceptionally()) {
                model = lookUpModel(replica);
                replica.model(model);
            }
            return model;
        }
    }

    private CompletableFuture<String> lookUpModel(ReplicaEndpoint replica) {
        HttpRequest.Builder get =
                HttpRequest.newBuilder(replica.modelsUri)
                        .timeout(binding.callTimeout())
                        .header("Accept", "application/json")
                        .header("User-Agent", USER_AGENT)
                        .GET();
        if (key.present()) {
            get.header("Authorization", key.bearer());
        }
        return http.sendAsync(get.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(
                        response -> {
                            if (response.statusCode() / 100 != 2) {
                                throw OpenAiErrors.forStatus(
                                        replica.baseUrl,
                                        "(any; looking the model up)",
                                        response.statusCode(),
                                        response.headers(),
                                        response.body(),
                                        key,
                                        binding.apiKey(),
                                        replicas.length == 1);
                            }
                            String name = ChatWire.firstModel(replica.baseUrl, response.body());
                            LOG.info(
                                    "{} serves model '{}'; name it with #model to skip this look-up",
                                    replica.baseUrl,
                                    name);
                            return name;
                        });
    }

    private void exchange(ReplicaEndpoint replica, Attempt attempt, String model) {
        if (attempt.finished()) {
            return;
        }
        HttpRequest.Builder post =
                HttpRequest.newBuilder(replica.chatUri)
                        .timeout(binding.callTimeout())
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .header("User-Agent", USER_AGENT)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(attempt.call.body(model)));
        if (key.present()) {
            post.header("Authorization", key.bearer());
        }
        if (attempt.call.callHeader != null) {
            post.header(CallHeader.NAME, attempt.call.callHeader);
        }
        replica.sent.increment();
        hedging.onRequest();
        long timeout = binding.callTimeout().toNanos();
        long slowAfter = replica.hedgeAfterNanos; // a hedge may hang too: it is watched alike
        try {
            // One timer per request: at the hedge delay when it comes first, else the timeout.
            attempt.timer =
                    attempt.call.stream
                            ? scheduler.schedule(
                                    () -> watchStream(replica, attempt),
                                    Math.min(
                                            timeout,
                                            Math.min(
                                                    binding.firstTokenTimeout().toNanos(),
                                                    binding.idleTimeout().toNanos())),
                                    TimeUnit.NANOSECONDS)
                            : slowAfter > 0 && slowAfter < timeout
                                    ? scheduler.schedule(
                                            () -> onSlow(replica, attempt, timeout - slowAfter),
                                            slowAfter,
                                            TimeUnit.NANOSECONDS)
                                    : scheduler.schedule(
                                            () -> onTimeout(replica, attempt),
                                            timeout,
                                            TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            if (attempt.finish()) {
                done(replica, attempt, null, OpenAiErrors.closed(replica.baseUrl));
            }
            return;
        }
        CompletableFuture<HttpResponse<Answer>> exchange;
        try {
            exchange = http.sendAsync(post.build(), answerHandler(replica, attempt));
        } catch (RuntimeException e) {
            if (attempt.finish()) {
                cancelTimer(attempt);
                done(
                        replica,
                        attempt,
                        null,
                        OpenAiErrors.forFailure(replica.baseUrl, e, binding.callTimeout()));
            }
            return;
        }
        attempt.exchange = exchange;
        exchange.whenComplete(
                (response, error) -> onAnswer(replica, attempt, model, response, error));
    }

    /**
     * What the body of an answer is read as: a stream, for a 2xx answer of type {@code
     * text/event-stream} to a streamed call; all bytes otherwise (an error, or a server that
     * ignored {@code stream: true} and sent one JSON body, which is then read as such).
     */
    private HttpResponse.BodyHandler<Answer> answerHandler(
            ReplicaEndpoint replica, Attempt attempt) {
        if (!attempt.call.stream) {
            return info ->
                    HttpResponse.BodySubscribers.mapping(
                            HttpResponse.BodySubscribers.ofByteArray(), Answer::ofBytes);
        }
        return info -> {
            boolean eventStream =
                    info.statusCode() / 100 == 2
                            && info.headers()
                                    .firstValue("content-type")
                                    .orElse("")
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .startsWith("text/event-stream");
            if (!eventStream) {
                return HttpResponse.BodySubscribers.mapping(
                        HttpResponse.BodySubscribers.ofByteArray(), Answer::ofBytes);
            }
            ChatStream stream = new ChatStream(replica.baseUrl, key);
            attempt.stream = stream;
            if (attempt.finished()) {
                stream.abort(); // timed out or closed while the headers came in
            }
            return HttpResponse.BodySubscribers.mapping(stream, Answer::ofStream);
        };
    }

    /**
     * The request has waited far longer than its replica usually takes: it counts as waiting
     * unusually long, and (budget permitting) the call is sent to another replica as well; the
     * first answer wins. The request itself keeps its timeout. When the call was hedged already and
     * the other try is waiting unusually long too, both count as hung: they end, and the call fails
     * as a retriable timeout, so that its retry policy makes a fresh try rather than both waiting
     * for the call timeout.
     */
    private void onSlow(ReplicaEndpoint replica, Attempt attempt, long timeoutLeft) {
        if (attempt.finished()) {
            return;
        }
        Attempt partner = attempt.partner;
        if (partner != null && (partner.slow || partner.finished())) {
            if (!attempt.finish()) {
                return;
            }
            abortExchange(attempt);
            replica.freeSlot(attempt); // hung: no load signal for the limit
            abandon(partner);
            bothHung.increment();
            done(
                    replica,
                    attempt,
                    null,
                    OpenAiErrors.hung(
                            replica.baseUrl,
                            TimeUnit.NANOSECONDS.toMillis(replica.hedgeAfterNanos)));
            return;
        }
        attempt.slow = true;
        slowNow.incrementAndGet();
        replica.freeSlot(attempt); // a hung request does not hold the replica's limit
        pump(replica);
        try {
            attempt.timer =
                    scheduler.schedule(
                            () -> onTimeout(replica, attempt), timeoutLeft, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return;
        }
        if (attempt.finished()) { // answered meanwhile: done() may have missed the new timer
            cancelTimer(attempt);
            return;
        }
        ReplicaEndpoint other = another(replica);
        if (other == null || !hedging.tryHedge()) {
            return;
        }
        Attempt hedge = attempt.hedged();
        LOG.debug(
                "A {} call to {} is slow; hedged on {}",
                attempt.call.request,
                replica.baseUrl,
                other.baseUrl);
        other.enqueue(hedge);
        pump(other);
    }

    /**
     * A streamed request's progress: its first token within {@code first-token-timeout}, then no
     * gap longer than {@code idle-timeout}, all within the call timeout; a stream that stalls is
     * abandoned and its call retried. Runs on the timer thread, next when a limit could be hit.
     */
    private void watchStream(ReplicaEndpoint replica, Attempt attempt) {
        if (attempt.finished()) {
            return;
        }
        long now = System.nanoTime();
        long deadline = attempt.startNanos + binding.callTimeout().toNanos();
        if (now - deadline >= 0) {
            onTimeout(replica, attempt);
            return;
        }
        ChatStream stream = attempt.stream;
        long first = stream == null ? -1 : stream.firstTokenNanos();
        long next;
        if (first < 0) {
            long limit = binding.firstTokenTimeout().toNanos();
            if (now - attempt.startNanos >= limit) {
                stalled(
                        replica,
                        attempt,
                        "no first token within " + binding.firstTokenTimeout().toMillis() + " ms",
                        "first-token-timeout");
                return;
            }
            // Until the first token, look again at its limit or one idle gap on, whichever is
            // first.
            next = Math.min(attempt.startNanos + limit, now + binding.idleTimeout().toNanos());
        } else {
            long idle = binding.idleTimeout().toNanos();
            long last = stream.lastBytesNanos();
            if (now - last >= idle) {
                stalled(
                        replica,
                        attempt,
                        "nothing for " + binding.idleTimeout().toMillis() + " ms mid-stream",
                        "idle-timeout");
                return;
            }
            next = last + idle;
        }
        long delay = Math.max(1, Math.min(next, deadline) - now);
        try {
            attempt.timer =
                    scheduler.schedule(
                            () -> watchStream(replica, attempt), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // closed: close() ends the attempt
        }
    }

    private void stalled(ReplicaEndpoint replica, Attempt attempt, String what, String option) {
        if (!attempt.finish()) {
            return;
        }
        abortExchange(attempt);
        done(replica, attempt, null, OpenAiErrors.stalled(replica.baseUrl, what, option));
    }

    /** A replica other than {@code busy} that is not skipped, the next in order; or null. */
    private ReplicaEndpoint another(ReplicaEndpoint busy) {
        long now = System.nanoTime();
        for (int k = 1; k < replicas.length; k++) {
            ReplicaEndpoint r = replicas[(busy.index + k) % replicas.length];
            if (r.available(now, true)) {
                return r;
            }
        }
        for (int k = 1; k < replicas.length; k++) { // one asked to wait: the hedge waits there
            ReplicaEndpoint r = replicas[(busy.index + k) % replicas.length];
            if (r.available(now, false)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The other try of a hedged call answered first: this one ends without answering, its exchange
     * is aborted (closing its connection) and its slot freed.
     */
    private void abandon(Attempt loser) {
        if (!loser.finish()) {
            return;
        }
        cancelTimer(loser);
        abortExchange(loser);
        ReplicaEndpoint at = loser.replica;
        if (at == null || at.dequeue(loser)) {
            return; // never sent: it held no slot
        }
        onTheWire.remove(loser);
        if (loser.slow) {
            slowNow.decrementAndGet();
        }
        at.release(loser, System.nanoTime(), 0, 0);
        pump(at);
    }

    private void onTimeout(ReplicaEndpoint replica, Attempt attempt) {
        if (!attempt.finish()) {
            return;
        }
        abortExchange(attempt);
        done(replica, attempt, null, OpenAiErrors.timeout(replica.baseUrl, binding.callTimeout()));
    }

    /** Aborts the exchange and closes its connection (a hung server keeps nothing of ours). */
    private static void abortExchange(Attempt attempt) {
        ChatStream stream = attempt.stream;
        if (stream != null) {
            stream.abort();
        }
        CompletableFuture<? extends HttpResponse<?>> exchange = attempt.exchange;
        if (exchange != null) {
            exchange.cancel(true);
        }
    }

    private void onAnswer(
            ReplicaEndpoint replica,
            Attempt attempt,
            String model,
            HttpResponse<Answer> response,
            Throwable error) {
        if (!attempt.finish()) {
            return;
        }
        cancelTimer(attempt);
        if (error != null) {
            done(
                    replica,
                    attempt,
                    null,
                    OpenAiErrors.forFailure(replica.baseUrl, error, binding.callTimeout()));
            return;
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            done(
                    replica,
                    attempt,
                    null,
                    OpenAiErrors.forStatus(
                            replica.baseUrl,
                            model,
                            status,
                            response.headers(),
                            response.body().bytes(),
                            key,
                            binding.apiKey(),
                            replicas.length == 1));
            return;
        }
        ChatStream.Result streamed = response.body().streamed();
        if (streamed != null) {
            replica.streamed.increment();
            replica.timeToFirstToken.recordNanos(streamed.firstTokenNanos() - attempt.startNanos);
            done(replica, attempt, streamed.reply(), null);
            return;
        }
        ChatWire.Reply reply;
        try {
            reply = ChatWire.parseCompletion(replica.baseUrl, response.body().bytes(), key);
        } catch (OpenAiCallException e) {
            done(replica, attempt, null, e);
            return;
        }
        done(replica, attempt, reply, null);
    }

    /** An answer's body: all its bytes, or the stream read to its end. */
    private record Answer(byte[] bytes, ChatStream.Result streamed) {
        static Answer ofBytes(byte[] bytes) {
            return new Answer(bytes, null);
        }

        static Answer ofStream(ChatStream.Result result) {
            return new Answer(null, result);
        }
    }

    private static void cancelTimer(Attempt attempt) {
        Future<?> timer = attempt.timer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The attempt is over: frees its slot, feeds the limit, starts what may start, answers. */
    private void done(
            ReplicaEndpoint replica,
            Attempt attempt,
            ChatWire.Reply reply,
            OpenAiCallException error) {
        onTheWire.remove(attempt);
        if (attempt.slow) {
            slowNow.decrementAndGet();
        }
        long now = System.nanoTime();
        long rtt = now - attempt.startNanos;
        long used = reply == null ? 0 : (long) reply.promptTokens() + reply.completionTokens();
        replica.release(attempt, now, error == null ? 0 : error.retryAfterNanos(), used);
        if (reply != null) {
            replica.succeeded.increment();
            replica.promptTokens.add(reply.promptTokens());
            replica.completionTokens.add(reply.completionTokens());
            replica.cachedTokens.add(reply.cachedTokens());
            replica.latency.recordNanos(rtt);
            replica.limit.onSample(attempt.startNanos, rtt, attempt.inFlightAtStart, false);
            if (hedging.enabled() && HedgePolicy.update(replica.hedgeSamples.incrementAndGet())) {
                replica.hedgeAfterNanos = hedging.delayNanos(replica.latency);
            }
        } else {
            replica.failures.get(error.kind()).increment();
            if (isDrop(error) && !attempt.slotFreed) { // a hung request is no load signal
                replica.limit.onSample(attempt.startNanos, rtt, attempt.inFlightAtStart, true);
            }
            if (error.kind() == Kind.CONNECT) {
                eject(replica, now, error);
            }
        }
        pump(replica);
        Attempt partner = attempt.partner;
        if (reply != null) {
            if (partner != null) {
                abandon(partner);
                if (attempt.hedge) {
                    hedging.hedgesWon.increment();
                }
            }
            if (outage.suspect()) {
                replica.downUntil = now; // it answered: no longer skipped
                outage.alive(replica.index);
            }
            attempt.result.complete(
                    new ModelCompletion(
                            reply.text(),
                            reply.promptTokens(),
                            reply.completionTokens(),
                            reply.cachedTokens(),
                            TimeUnit.NANOSECONDS.toMillis(rtt),
                            replica.baseUrl));
        } else {
            if (partner != null && !partner.finished()) {
                if (!partner.slow) {
                    return; // the other try of this call may still answer
                }
                // The other try already waits unusually long: it is taken as hung, and this
                // failure goes to the retry policy rather than waiting for that try's timeout.
                abandon(partner);
            }
            if (outage.failed(replica.index, attempt, error, now)) {
                return; // parked: it waits for the fleet to be back
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "A {} call to {} failed: {}",
                        attempt.call.request,
                        replica.baseUrl,
                        error.getMessage());
            }
            attempt.result.completeExceptionally(error);
        }
    }

    /** What the adaptive limit counts as load being shed: 429, 503 and timeouts. */
    private static boolean isDrop(OpenAiCallException error) {
        return error.kind() == Kind.RATE_LIMITED
                || error.kind() == Kind.TIMEOUT
                || error.status() == 503;
    }

    /** The replica refused a connection: skip it for a while, and move its queue elsewhere. */
    private void eject(ReplicaEndpoint replica, long now, OpenAiCallException error) {
        boolean wasDown = replica.down(now);
        replica.downUntil = now + binding.ejectFor().toNanos();
        if (!wasDown) {
            replica.ejections.increment();
            LOG.warn(
                    "{} is skipped for {} ms: {}",
                    replica.baseUrl,
                    binding.ejectFor().toMillis(),
                    error.getMessage());
        }
        if (replicas.length > 1) {
            for (Attempt queued : replica.drain()) {
                dispatch(queued);
            }
        }
    }

    private void failQueued(ReplicaEndpoint replica) {
        for (Attempt queued : replica.drain()) {
            if (queued.finish()) {
                queued.result.completeExceptionally(OpenAiErrors.closed(replica.baseUrl));
            }
        }
    }

    @Override
    public void registerMetrics(ModelMetricGroup group) {
        group.gauge("fleetDown", () -> outage.status().down() ? 1 : 0);
        group.gauge("fleetDownMs", () -> outage.status().downFor(System.nanoTime()).toMillis());
        group.counter("outages", outage.outages::sum);
        group.counter("outageProbes", outage.probes::sum);
        group.gauge("callsWaitingForFleet", outage::parked);
        group.gauge("callsWaitingLong", slowNow::get);
        group.counter("hedged", hedging.hedged::sum);
        group.counter("hedgesWon", hedging.hedgesWon::sum);
        group.counter("hedgesRefused", hedging.refused::sum);
        group.counter("hedgesHung", bothHung::sum);
        for (ReplicaEndpoint replica : replicas) {
            ReplicaMetrics.register(group, replica);
        }
    }

    /** Down while every replica is failing ({@link FleetOutage}); a volatile read. */
    @Override
    public FleetStatus fleetStatus() {
        return outage.status();
    }

    /**
     * More calls queued for a slot, a rate-limit permit or a {@code Retry-After} than one per
     * replica: those few are sent the moment a slot frees; beyond them a new question would only
     * wait. (Routing by affinity fills replicas unevenly: one replica's queue alone does not stop
     * the others from being filled.)
     */
    @Override
    public boolean saturated() {
        return backlog() > replicas.length;
    }

    /** Calls queued at the replicas for a slot, a rate-limit permit or a {@code Retry-After}. */
    int backlog() {
        int queued = 0;
        for (ReplicaEndpoint replica : replicas) {
            queued += Math.max(0, replica.load - replica.sending);
        }
        return queued;
    }

    /** Requests past their replica's hedge delay and still unanswered. */
    @Override
    public int callsWaitingLong() {
        return slowNow.get();
    }

    /** Calls hedged on another replica, and how many of those hedges answered first. */
    long hedged() {
        return hedging.hedged.sum();
    }

    long hedgesWon() {
        return hedging.hedgesWon.sum();
    }

    /** Calls parked until the fleet is back. */
    int waitingForFleet() {
        return outage.parked();
    }

    /** What the outage loop does through this client. */
    private final class Fleet implements FleetOutage.Fleet {
        @Override
        public void probe(int replica, Attempt attempt) {
            if (closed) {
                if (attempt.finish()) {
                    attempt.result.completeExceptionally(OpenAiErrors.closed(endpoints()));
                }
                return;
            }
            ReplicaEndpoint target = replicas[replica];
            target.enqueue(attempt);
            pump(target);
        }

        @Override
        public void release(List<Attempt> attempts) {
            for (Attempt attempt : attempts) {
                dispatch(attempt);
            }
        }

        @Override
        public boolean schedule(Runnable task, long nanos) {
            try {
                scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
                return true;
            } catch (RejectedExecutionException closing) {
                return false;
            }
        }
    }

    /** Each replica's state now, in binding order. */
    List<EndpointStats> stats() {
        List<EndpointStats> out = new ArrayList<>(replicas.length);
        long now = System.nanoTime();
        for (ReplicaEndpoint r : replicas) {
            Map<String, Long> failures = new TreeMap<>();
            r.failures.forEach(
                    (kind, count) -> {
                        if (count.sum() > 0) {
                            failures.put(kind.name(), count.sum());
                        }
                    });
            out.add(
                    new EndpointStats(
                            r.baseUrl,
                            r.limit.getLimit(),
                            r.inFlight(),
                            r.queued(),
                            r.sent.sum(),
                            r.succeeded.sum(),
                            Map.copyOf(failures),
                            r.promptTokens.sum(),
                            r.completionTokens.sum(),
                            r.cachedTokens.sum(),
                            r.ejections.sum(),
                            r.down(now),
                            r.streamed.sum(),
                            r.latency.snapshot(),
                            r.timeToFirstToken.snapshot()));
        }
        return out;
    }

    private String endpoints() {
        return replicas.length == 1 ? replicas[0].baseUrl : String.join(",", binding.baseUrls());
    }

    /** Fails queued calls, cancels those in flight and stops the client's threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // First, so that no wait is scheduled any more: a retry's wait is refused and starts at
        // once.
        scheduler.shutdownNow();
        for (ReplicaEndpoint replica : replicas) {
            failQueued(replica);
        }
        for (Attempt waiting : outage.close()) {
            if (waiting.finish()) {
                waiting.result.completeExceptionally(OpenAiErrors.closed(endpoints()));
            }
        }
        for (Attempt attempt : List.copyOf(onTheWire)) {
            if (attempt.finish()) {
                abortExchange(attempt);
                attempt.result.completeExceptionally(OpenAiErrors.closed(endpoints()));
            }
        }
        onTheWire.clear();
        httpExecutor.shutdown();
        LOG.info("OpenAI-compatible model (subtask {}) for {} closed", subtask, endpoints());
    }

    @Override
    public String toString() {
        return "OpenAiClient[" + binding.describe() + ", subtask " + subtask + "]";
    }

    /** The routers' view of the replicas at one instant. */
    private final class View implements ReplicaRouter.View {
        static final int READY = 0;
        static final int NOT_DOWN = 1;
        static final int ALL = 2;

        private final long now;
        private final int level;

        View(long now, int level) {
            this.now = now;
            this.level = level;
        }

        @Override
        public int size() {
            return replicas.length;
        }

        @Override
        public boolean available(int i) {
            return level == ALL || replicas[i].available(now, level == READY);
        }

        @Override
        public int load(int i) {
            return replicas[i].load;
        }
    }
}
