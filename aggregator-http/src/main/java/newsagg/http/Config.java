package newsagg.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The server's whole configuration, read from the environment once at start-up and validated there:
 * an invalid value stops start-up with a {@link ConfigException} that names the variable. Each component comes from
 * one variable declared in {@link Settings}, which states its default, its rule and its meaning.
 *
 * @param port             {@link Settings#PORT}
 * @param listenAddress    {@link Settings#LISTEN_ADDRESS}
 * @param databaseUrl      the JDBC URL of {@link Settings#DATABASE_URL}
 * @param databaseUser     {@link Settings#DATABASE_USER}, else the user in a postgres:// URL
 * @param databasePassword {@link Settings#DATABASE_PASSWORD}, else the password in a postgres:// URL
 * @param databasePoolSize {@link Settings#DATABASE_POOL_SIZE}
 * @param redisUrl         {@link Settings#REDIS_URL}
 * @param cacheEnabled     {@link Settings#CACHE_ENABLED}
 * @param cacheNamespace   {@link Settings#CACHE_NAMESPACE}
 * @param cacheNearTtl     {@link Settings#CACHE_NEAR_TTL}; zero when off
 * @param adminToken       {@link Settings#ADMIN_TOKEN}; null disables admin writes
 * @param metricsToken     {@link Settings#METRICS_TOKEN}; null leaves {@code /metrics} open
 * @param timingEnabled    {@link Settings#TIMING_ENABLED}
 * @param debugMemorySources {@link Settings#DEBUG_MEMORY_SOURCES}
 * @param virtualThreads   {@link Settings#HTTP_THREADS}, resolved for this JVM
 * @param feeds            the {@code FEEDS_*} and {@code DEFAULT_SOURCES} settings of ingestion
 * @param corsOrigins      {@link Settings#CORS_ORIGINS}, canonical; empty turns CORS off
 * @param trustedProxies   {@link Settings#TRUSTED_PROXIES}, canonical blocks (see {@link ClientAddress}); empty
 *                         believes no forwarding header
 */
record Config(int port, String listenAddress, String databaseUrl, String databaseUser, String databasePassword,
              int databasePoolSize, URI redisUrl, boolean cacheEnabled, String cacheNamespace, Duration cacheNearTtl,
              String adminToken, String metricsToken, boolean timingEnabled, boolean debugMemorySources,
              boolean virtualThreads, Feeds feeds, List<String> corsOrigins, List<String> trustedProxies) {

    public Config {
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * How the server ingests feeds.
     *
     * @param pollEnabled          {@link Settings#FEEDS_POLL_ENABLED}
     * @param pollInterval         {@link Settings#FEEDS_POLL_INTERVAL}
     * @param workers              {@link Settings#FEEDS_WORKERS}
     * @param allowPrivateNetworks {@link Settings#FEEDS_ALLOW_PRIVATE_NETWORKS}
     * @param defaultSources       {@link Settings#DEFAULT_SOURCES}
     */
    public record Feeds(boolean pollEnabled, Duration pollInterval, int workers, boolean allowPrivateNetworks,
                        boolean defaultSources) {
    }

    /**
     * Reads and validates the configuration from an environment map such as {@link System#getenv()}. The settings
     * are read in the README table's order, so that of several bad values the first in the table is reported.
     */
    public static Config fromEnvironment(Map<String, String> env) {
        int port = Settings.PORT.read(env);
        String listenAddress = Settings.LISTEN_ADDRESS.read(env);
        Settings.DatabaseTarget database = Settings.DATABASE_URL.read(env);
        String user = firstNonBlank(Settings.DATABASE_USER.read(env), database.user(), Settings.DEFAULT_DATABASE_USER);
        String password = firstNonBlank(Settings.DATABASE_PASSWORD.read(env), database.password(), null);
        int poolSize = Settings.DATABASE_POOL_SIZE.read(env);
        URI redisUrl = Settings.REDIS_URL.read(env);
        boolean cacheEnabled = Settings.CACHE_ENABLED.read(env);
        String cacheNamespace = Settings.CACHE_NAMESPACE.read(env);
        Duration cacheNearTtl = Settings.CACHE_NEAR_TTL.read(env);
        String adminToken = Settings.ADMIN_TOKEN.read(env);
        String metricsToken = Settings.METRICS_TOKEN.read(env);
        boolean timingEnabled = Settings.TIMING_ENABLED.read(env);
        boolean debugMemorySources = Settings.DEBUG_MEMORY_SOURCES.read(env);
        boolean virtualThreads = Settings.HTTP_THREADS.read(env);
        Feeds feeds = new Feeds(
                Settings.FEEDS_POLL_ENABLED.read(env),
                Settings.FEEDS_POLL_INTERVAL.read(env),
                Settings.FEEDS_WORKERS.read(env),
                Settings.FEEDS_ALLOW_PRIVATE_NETWORKS.read(env),
                Settings.DEFAULT_SOURCES.read(env));
        return new Config(port, listenAddress, database.jdbcUrl(), user, password, poolSize, redisUrl, cacheEnabled,
                cacheNamespace, cacheNearTtl, adminToken, metricsToken, timingEnabled, debugMemorySources, virtualThreads,
                feeds, Settings.CORS_ORIGINS.read(env), Settings.TRUSTED_PROXIES.read(env));
    }

    /**
     * Where a client on this host reaches the server, as a URI host: {@code 127.0.0.1} when it listens on every
     * interface, else the listen address itself (IPv6 in brackets). The {@code healthcheck} command calls it.
     */
    public String localHost() {
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(listenAddress);
            if (address.isAnyLocalAddress()) {
                return "127.0.0.1";
            }
            return listenAddress.indexOf(':') >= 0 ? "[" + listenAddress + "]" : listenAddress;
        } catch (java.net.UnknownHostException validatedAtStartUp) {
            throw new IllegalStateException("LISTEN_ADDRESS was validated as an IP literal", validatedAtStartUp);
        }
    }

    /** One line for the start-up log, with secrets masked. */
    public String describe() {
        return "port=" + port
                + " listen_address=" + listenAddress
                + " database_url=" + maskUrlPassword(databaseUrl)
                + " database_user=" + databaseUser
                + " database_password=" + mask(databasePassword)
                + " database_pool_size=" + databasePoolSize
                + " redis_url=" + maskUrlPassword(redisUrl.toString())
                + " cache_enabled=" + cacheEnabled
                + " cache_namespace=" + cacheNamespace
                + " cache_near_ttl=" + cacheNearTtl
                + " admin_token=" + mask(adminToken)
                + " metrics_token=" + mask(metricsToken)
                + " timing_enabled=" + timingEnabled
                + " debug_memory_sources=" + debugMemorySources
                + " http_threads=" + (virtualThreads ? "virtual" : "platform")
                + " feeds_poll_enabled=" + feeds.pollEnabled()
                + " feeds_poll_interval=" + feeds.pollInterval()
                + " feeds_workers=" + feeds.workers()
                + " feeds_allow_private_networks=" + feeds.allowPrivateNetworks()
                + " default_sources=" + feeds.defaultSources()
                + " cors_origins=" + (corsOrigins.isEmpty() ? "(off)" : String.join(",", corsOrigins))
                + " trusted_proxies=" + (trustedProxies.isEmpty() ? "(none)"
                        : String.join(",", trustedProxies));
    }

    /** Never prints secrets, so that a record logged by accident leaks nothing. */
    @Override
    public String toString() {
        return "Config[" + describe() + "]";
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return fallback;
    }

    private static String mask(String secret) {
        return secret == null ? "(unset)" : "****";
    }

    static String maskUrlPassword(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@]*@", "$1****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }
}
