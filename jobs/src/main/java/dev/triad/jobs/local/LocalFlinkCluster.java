package dev.triad.jobs.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real standalone Flink cluster (a JobManager and TaskManagers, each its own JVM; a session
 * cluster, or an application cluster that runs one job) started, extended and stopped through the
 * project's own script ({@code deploy/local/flink-cluster.sh}, what {@code ./triad cluster} runs),
 * on a free port with its folder where the caller says; for failover tests and benchmarks, it also
 * kills a TaskManager with {@code kill -9}.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    /** The script, {@code deploy/local/flink-cluster.sh}. */
    public static final LocalScript SCRIPT = LocalScript.named("flink-cluster");

    private static final Pattern ADDED = Pattern.compile("(taskmanager-\\d+) running");
    private static final Pattern LISTENING =
            Pattern.compile("Listening on SocketAddress /127\\.0\\.0\\.1:(\\d+)");

    private final Path dir;
    private final int port;

    private LocalFlinkCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a cluster in {@code dir}; returns once its TaskManagers have registered. */
    public static LocalFlinkCluster start(Path dir, int taskManagers, int slots)
            throws IOException, InterruptedException {
        return started(
                SCRIPT.startOnFreePorts(
                        dir,
                        "--taskmanagers",
                        Integer.toString(taskManagers),
                        "--slots",
                        Integer.toString(slots)),
                dir,
                "start");
    }

    /**
     * Starts an application cluster in {@code dir}, as the Flink Kubernetes Operator does in
     * application mode: a JobManager (Flink's {@code StandaloneApplicationClusterEntryPoint}) that
     * runs {@code dev.triad.jobs.cli.TriadApplication} from {@code jobJar} with {@code jobArgs},
     * and {@code taskManagers} TaskManagers; returns once they have registered. The JobManager ends
     * when the job does.
     *
     * @param checkpoints {@code execution.checkpointing.dir}, e.g. a {@code file://} URI standing
     *     for object storage
     * @param savepoints {@code execution.checkpointing.savepoint-dir}
     * @param fromSavepoint {@code execution.state-recovery.path} (what the operator sets on an
     *     upgrade), or {@code null} to start afresh
     */
    public static LocalFlinkCluster startApplication(
            Path dir,
            int taskManagers,
            int slots,
            Path jobJar,
            String checkpoints,
            String savepoints,
            String fromSavepoint,
            List<String> jobArgs)
            throws IOException, InterruptedException {
        List<String> options =
                new ArrayList<>(
                        List.of(
                                "--taskmanagers",
                                Integer.toString(taskManagers),
                                "--slots",
                                Integer.toString(slots),
                                "--jar",
                                jobJar.toString(),
                                "--checkpoints",
                                checkpoints,
                                "--savepoints",
                                savepoints));
        if (fromSavepoint != null) {
            options.addAll(List.of("--from-savepoint", fromSavepoint));
        }
        options.add("--");
        options.addAll(jobArgs);
        return started(
                SCRIPT.startOnFreePorts("start-application", dir, options.toArray(String[]::new)),
                dir,
                "start-application");
    }

    private static LocalFlinkCluster started(LocalScript.Started start, Path dir, String command)
            throws IOException, InterruptedException {
        LocalScript.Result started = start.result();
        LocalFlinkCluster cluster = new LocalFlinkCluster(dir.toAbsolutePath(), start.port());
        if (started.exit() != 0) {
            cluster.close();
            throw new IOException(
                    "deploy/local/flink-cluster.sh "
                            + command
                            + " exited "
                            + started.exit()
                            + ":\n"
                            + started.output());
        }
        return cluster;
    }

    /**
     * The JobManager's process while it is alive (its command line names this cluster's conf/),
     * else empty.
     */
    public java.util.Optional<ProcessHandle> jobManagerProcess() throws IOException {
        Path file = dir.resolve("pids").resolve("jobmanager.pid");
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(file).strip());
        return ProcessHandle.of(pid).filter(this::isOurs);
    }

    /** The JobManager's log file. */
    public Path jobManagerLog() {
        return log("jobmanager");
    }

    /** {@code HOST:PORT} of the REST API, for {@code triad run --jobmanager}. */
    public String jobManager() {
        return "127.0.0.1:" + port;
    }

    /** The REST API's root. */
    public URI rest() {
        return URI.create("http://" + jobManager());
    }

    /** The cluster's folder: conf/, log/, pids/, checkpoints/. */
    public Path dir() {
        return dir;
    }

    /**
     * Starts one more TaskManager and returns its name ({@code taskmanager-N}) once its log says it
     * registered at the ResourceManager.
     */
    public String addTaskManager() throws IOException, InterruptedException {
        LocalScript.Result added = SCRIPT.run("add-taskmanager", "--dir", dir.toString());
        Matcher name = ADDED.matcher(added.output());
        if (added.exit() != 0 || !name.find()) {
            throw new IOException(
                    "deploy/local/flink-cluster.sh add-taskmanager exited "
                            + added.exit()
                            + ":\n"
                            + added.output());
        }
        return name.group(1);
    }

    /** The TaskManagers whose process is alive, by name ({@code taskmanager-N}), with PIDs. */
    public Map<String, Long> liveTaskManagers() throws IOException {
        Map<String, Long> live = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("pids"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.startsWith("taskmanager-") || !name.endsWith(".pid")) {
                    continue;
                }
                long pid = Long.parseLong(Files.readString(file).strip());
                if (ProcessHandle.of(pid).map(this::isOurs).orElse(false)) {
                    live.put(name.substring(0, name.length() - ".pid".length()), pid);
                }
            }
        }
        return live;
    }

    /**
     * Whether {@code process} is alive and one of this cluster's (its command line names the
     * cluster's conf/): PIDs are reused, so a killed TaskManager's PID file may by now name an
     * unrelated process, which must never be killed.
     */
    private boolean isOurs(ProcessHandle process) {
        String conf = dir.resolve("conf").toString();
        return process.isAlive()
                && process.info().commandLine().map(line -> line.contains(conf)).orElse(false);
    }

    /**
     * The name of the live TaskManager whose data port is {@code dataPort} (the port of a subtask's
     * {@code endpoint} in the REST API), or {@code null}.
     */
    public String taskManagerWithDataPort(int dataPort) throws IOException {
        for (String name : liveTaskManagers().keySet()) {
            Matcher listening = LISTENING.matcher(Files.readString(log(name)));
            while (listening.find()) {
                if (Integer.parseInt(listening.group(1)) == dataPort) {
                    return name;
                }
            }
        }
        return null;
    }

    /**
     * Kills a TaskManager's JVM with SIGKILL ({@code kill -9}: no shutdown hook, no clean close)
     * and waits until it is gone.
     *
     * @return its PID
     */
    public long kill(String name) throws IOException, InterruptedException {
        Long pid = liveTaskManagers().get(name);
        if (pid == null) {
            throw new IOException(name + " is not running");
        }
        ProcessHandle process = ProcessHandle.of(pid).filter(this::isOurs).orElse(null);
        if (process == null) {
            throw new IOException(name + " (PID " + pid + ") is not running");
        }
        process.destroyForcibly(); // SIGKILL on Unix
        try {
            process.onExit().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(name + " (PID " + pid + ") did not exit after SIGKILL", e);
        }
        return pid;
    }

    /** The lines of every TaskManager's log, killed ones included (their files stay). */
    public List<String> taskManagerLogLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("taskmanager-") && name.endsWith(".log")) {
                    try {
                        lines.addAll(Files.readAllLines(file));
                    } catch (UncheckedIOException | IOException e) {
                        throw new IOException("Could not read " + file, e);
                    }
                }
            }
        }
        return lines;
    }

    private Path log(String name) {
        return dir.resolve("log").resolve(name + ".log");
    }

    /** Stops every process of the cluster with the script. */
    @Override
    public void close() throws IOException, InterruptedException {
        SCRIPT.run("stop", "--dir", dir.toString());
    }
}
