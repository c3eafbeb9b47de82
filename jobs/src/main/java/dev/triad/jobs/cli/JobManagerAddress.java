package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import java.net.URI;

/**
 * Where a Flink cluster's JobManager answers REST calls (and serves its web UI): {@code HOST:PORT}
 * as given to {@code --jobmanager}.
 *
 * @param host the host name or address
 * @param port the REST port ({@code rest.port}, 8081 unless the cluster says otherwise)
 */
public record JobManagerAddress(String host, int port) {

    /**
     * What {@code triad cancel} talks to when not told: the port {@code ./triad cluster start}
     * uses.
     */
    public static final String DEFAULT = "127.0.0.1:8081";

    /**
     * Reads {@code HOST:PORT}.
     *
     * @param origin how the user gave it, for the message (e.g. {@code --jobmanager})
     * @throws UsageException naming the option and the form to use
     */
    public static JobManagerAddress parse(String raw, String origin) throws UsageException {
        String value = raw == null ? "" : raw.trim();
        if (value.startsWith("http://")) {
            value = value.substring("http://".length());
        }
        if (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw usage(raw, origin);
        }
        String host = value.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw usage(raw, origin);
        }
        if (port < 1 || port > 65535 || host.contains("/")) {
            throw usage(raw, origin);
        }
        return new JobManagerAddress(host, port);
    }

    private static UsageException usage(String raw, String origin) {
        return new UsageException(
                origin
                        + " must be HOST:PORT of a Flink cluster's REST API (its web UI), e.g."
                        + " 127.0.0.1:8081; was '"
                        + raw
                        + "'.");
    }

    /** The REST API's and web UI's root, {@code http://HOST:PORT}. */
    public URI rest() {
        return URI.create("http://" + host + ":" + port);
    }

    /** The web UI's page of one job. */
    public String jobPage(String jobId) {
        return rest() + "/#/job/running/" + jobId + "/overview";
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
