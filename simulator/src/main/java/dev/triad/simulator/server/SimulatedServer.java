package dev.triad.simulator.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIMULATED fleet of OpenAI-compatible inference replicas: replica i listens on {@code
 * host:port+i} and serves {@code POST /v1/chat/completions} (plain JSON and {@code stream: true}
 * server-sent events), the same chat in Ollama's, Anthropic's and Gemini's formats ({@code POST
 * /api/chat}, {@code /v1/messages}, {@code /v1beta/models/MODEL:generateContent}, not streamed),
 * {@code GET /v1/models}, {@code GET /health} and {@code GET /metrics} (Prometheus text). Each
 * replica has its own scheduler ({@code max-num-seqs} running, a bounded waiting queue, 429 with
 * {@code Retry-After} when it is full), its own prefix cache and latency model after
 * llm-d-inference-sim (see {@link ServerSettings}); replies come from the same oracle as the
 * in-process simulated model, so Triad's strategies run end to end against it. Nothing it says
 * comes from a real model: every response carries the header {@code x-triad-simulated: true}.
 *
 * <p>Use in a test: {@code try (SimulatedServer server = SimulatedServer.start(settings)) {...}}
 * with port 0 for ephemeral ports ({@link #ports()}); or from the command line, {@code triad
 * simulate-server}.
 *
 * <p>Threading: non-blocking; all replicas share one event-loop group of {@link
 * ServerSettings#ioThreads()} threads named {@value #THREAD_PREFIX}-N; latency is played with
 * timers on those loops, never a thread per request or connection. {@link #close()} may be called
 * from any thread, more than once.
 */
public final class SimulatedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedServer.class);

    /** Prefix of the names of the server's event-loop threads. */
    public static final String THREAD_PREFIX = "triad-sim-io";

    /** Largest request body accepted, in bytes; larger ones get 413. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    /** Pending connections the kernel may hold per replica before accepting. */
    static final int ACCEPT_BACKLOG = 4096;

    private final ServerSettings settings;
    private final EventLoopGroup group;
    private final List<Replica> replicas;
    private final List<Channel> listeners;
    private final List<Integer> ports;
    private final Set<Channel> connections;
    private final ServerContext context;
    private volatile boolean closed;

    private SimulatedServer(
            ServerSettings settings,
            ServerContext context,
            EventLoopGroup group,
            List<Replica> replicas,
            List<Channel> listeners,
            Set<Channel> connections) {
        this.settings = settings;
        this.context = context;
        this.group = group;
        this.replicas = replicas;
        this.listeners = listeners;
        this.connections = connections;
        List<Integer> bound = new ArrayList<>(listeners.size());
        for (Channel listener : listeners) {
            bound.add(((InetSocketAddress) listener.localAddress()).getPort());
        }
        this.ports = Collections.unmodifiableList(bound);
    }

    /**
     * Starts every replica and returns once all listen.
     *
     * @throws IOException naming the address when a replica cannot listen (e.g. the port is taken)
     */
    public static SimulatedServer start(ServerSettings settings) throws IOException {
        ServerContext context = new ServerContext(settings);
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(
                        settings.ioThreads(),
                        new DefaultThreadFactory(THREAD_PREFIX, true),
                        NioIoHandler.newFactory());
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        List<Replica> replicas = new ArrayList<>(settings.replicas());
        List<Channel> listeners = new ArrayList<>(settings.replicas());
        try {
            for (int i = 0; i < settings.replicas(); i++) {
                Replica replica = new Replica(i, settings);
                replicas.add(replica);
                int port = settings.port() == 0 ? 0 : settings.port() + i;
                listeners.add(bind(group, context, replica, settings.host(), port, connections));
            }
        } catch (IOException | RuntimeException e) {
            for (Channel listener : listeners) {
                listener.close().awaitUninterruptibly();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
            throw e;
        }
        SimulatedServer server =
                new SimulatedServer(
                        settings,
                        context,
                        group,
                        List.copyOf(replicas),
                        List.copyOf(listeners),
                        connections);
        LOG.info(
                "SIMULATED OpenAI-compatible server: {} replica(s) on {}:{} ({})",
                settings.replicas(),
                settings.host(),
                server.ports,
                settings.describe());
        return server;
    }

    private static Channel bind(
            EventLoopGroup group,
            ServerContext context,
            Replica replica,
            String host,
            int port,
            Set<Channel> connections)
            throws IOException {
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        connections.add(ch);
                                        ch.closeFuture().addListener(f -> connections.remove(ch));
                                        ch.pipeline()
                                                .addLast(
                                                        new HttpServerCodec(),
                                                        new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                                        new ReplicaHandler(context, replica));
                                    }
                                });
        try {
            return bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            throw new IOException(
                    "Simulated replica "
                            + replica.index
                            + " cannot listen on "
                            + host
                            + ":"
                            + port
                            + " ("
                            + e
                            + "); is another server on that port? Choose another --port (replica"
                            + " i uses port + i) or stop the other server",
                    e);
        }
    }

    public ServerSettings settings() {
        return settings;
    }

    /** The port of each replica, replica 0 first. */
    public List<Integer> ports() {
        return ports;
    }

    /** Each replica's base URL for OpenAI clients, e.g. {@code http://127.0.0.1:8000/v1}. */
    public List<URI> baseUrls() {
        List<URI> urls = new ArrayList<>(ports.size());
        for (int port : ports) {
            urls.add(URI.create("http://" + hostForUrl() + ":" + port + "/v1"));
        }
        return urls;
    }

    private String hostForUrl() {
        String host = settings.host();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** A snapshot of one replica's counters (what its {@code /metrics} shows). */
    public ReplicaStats stats(int replica) {
        return replicas.get(replica).stats();
    }

    /** Distinct Triad calls (by their {@code X-Triad-Call} header) answered with a usable reply. */
    public long callsAnswered() {
        return context.callsAnswered();
    }

    /**
     * Usable answers to a Triad call that had been answered before, on any replica: completed calls
     * made again (e.g. after a failure without a reply journal).
     */
    public long callsAnsweredAgain() {
        return context.callsAnsweredAgain();
    }

    /** Open client connections across all replicas. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops listening, closes every connection and stops the event loops; waits for them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly();
        }
        for (Channel connection : connections) {
            connection.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        LOG.info("SIMULATED OpenAI-compatible server on {} stopped", ports);
    }

    @Override
    public String toString() {
        return "SimulatedServer[SIMULATED, ports " + ports + ", " + settings.describe() + "]";
    }
}
