package dev.triad.embed;

import java.nio.file.Path;

/**
 * Keeps DJL off the network before any of its classes load: DJL calls home on engine and tokenizer
 * start-up (an EC2 metadata request to 169.254.169.254, then telemetry) unless {@code offline} or
 * {@code OPT_OUT_TRACKING} is set, and it would download engines and models it cannot find.
 *
 * <p>The launcher and the test JVMs already pass {@code -Doffline=true} and {@code
 * OPT_OUT_TRACKING=true}; setting the same system properties here covers a JVM started some other
 * way (a TaskManager of someone else's cluster, an application embedding Triad). DJL reads both
 * from the environment or the system properties. The cache folders, where DJL unpacks the native
 * tokenizer library, go to a folder of Triad's unless the user chose one.
 */
final class DjlOffline {

    private DjlOffline() {}

    /**
     * Sets DJL's offline switches and, when unset, its cache folders under {@code cacheDir}.
     * Idempotent; call before the first DJL class is used.
     */
    static synchronized void apply(Path cacheDir) {
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        setIfAbsent("DJL_CACHE_DIR", cacheDir.resolve("djl").toString());
        setIfAbsent("ENGINE_CACHE_DIR", cacheDir.resolve("engines").toString());
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getenv(name) == null && System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
