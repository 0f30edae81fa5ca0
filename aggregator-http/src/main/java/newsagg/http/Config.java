package newsagg.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import newsagg.cache.CacheSettings;

/**
 * The server's whole configuration, read from the environment once at start-up and validated there:
 * an invalid value stops start-up with a {@link ConfigException} that names the variable.
 *
 * @param port             {@code PORT}: the HTTP port (default 8080)
 * @param listenAddress    {@code LISTEN_ADDRESS}: the IP address to listen on (default {@code 127.0.0.1}, so that a
 *                         bare jar is reachable only from its own machine; the image sets {@code 0.0.0.0})
 * @param databaseUrl      {@code DATABASE_URL}: a JDBC URL, or {@code postgres://user:pass@host:port/db}
 * @param databaseUser     {@code DATABASE_USER} (default {@code postgres}, or the user in a postgres:// URL)
 * @param databasePassword {@code DATABASE_PASSWORD} (default none, or the password in a postgres:// URL)
 * @param databasePoolSize {@code DATABASE_POOL_SIZE}: the connection pool's size (default 10)
 * @param redisUrl         {@code REDIS_URL} (default {@code redis://localhost:6379})
 * @param cacheEnabled     {@code CACHE_ENABLED} (default true)
 * @param cacheNamespace   {@code CACHE_NAMESPACE} (default {@code newsagg}): the first part of every Redis key, so
 *                         that several deployments can share one Redis
 * @param cacheNearTtl     {@code CACHE_NEAR_TTL} (default 2s; 0 turns it off): how long a process keeps cached answers
 *                         in memory as well, still checked against the generation
 * @param adminToken       {@code ADMIN_TOKEN}: the bearer token for admin writes; null disables them
 * @param metricsToken     {@code METRICS_TOKEN}: when set, the bearer token for {@code /metrics} and {@code /debug/timings}
 * @param timingEnabled    {@code TIMING_ENABLED} (default true): per-request timing; off only to measure its cost
 * @param virtualThreads   {@code HTTP_THREADS}: {@code auto} (default: virtual on Java 21+), {@code platform} or
 *                         {@code virtual} (needs Java 21+)
 * @param feeds            the {@code FEEDS_*} and {@code DEFAULT_SOURCES} settings of ingestion
 * @param corsOrigins      {@code CORS_ORIGINS}: comma-separated exact origins ({@code https://news.example.com}) that
 *                         may read the API from a browser; empty (the default) turns CORS off
 * @param trustedProxies   {@code TRUSTED_PROXIES}: comma-separated addresses or CIDR blocks of reverse proxies whose
 *                         {@code X-Forwarded-For} / {@code Forwarded} name the client (see {@link ClientAddress});
 *                         empty (the default) believes no such header
 */
public record Config(int port, String listenAddress, String databaseUrl, String databaseUser, String databasePassword,
                     int databasePoolSize, URI redisUrl, boolean cacheEnabled, String cacheNamespace, Duration cacheNearTtl, String adminToken,
                     String metricsToken, boolean timingEnabled, boolean virtualThreads, Feeds feeds, List<String> corsOrigins,
                     List<String> trustedProxies) {

    public Config {
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * How the server ingests feeds.
     *
     * @param pollEnabled          {@code FEEDS_POLL_ENABLED} (default true): run the background poller
     * @param pollInterval         {@code FEEDS_POLL_INTERVAL} (default 15m): how often each feed is fetched
     * @param workers              {@code FEEDS_WORKERS} (default 4): feeds fetched at once
     * @param allowPrivateNetworks {@code FEEDS_ALLOW_PRIVATE_NETWORKS} (default false): allow feeds on private,
     *                             loopback and link-local addresses
     * @param defaultSources       {@code DEFAULT_SOURCES} (default false): import the bundled feeds on first start
     */
    public record Feeds(boolean pollEnabled, Duration pollInterval, int workers, boolean allowPrivateNetworks,
                        boolean defaultSources) {
    }

    static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://localhost:5432/newsagg";
    static final String DEFAULT_DATABASE_USER = "postgres";
    static final String DEFAULT_REDIS_URL = "redis://localhost:6379";
    /** Doubled the throughput of cache hits in the measurement in docs/PERFORMANCE.md. */
    static final Duration DEFAULT_NEAR_TTL = Duration.ofSeconds(2);

    /** Reads and validates the configuration from an environment map such as {@link System#getenv()}. */
    public static Config fromEnvironment(Map<String, String> env) {
        int port = intValue(env, "PORT", 8080, 0, 65_535);
        String listenAddress = listenAddress(env);
        DatabaseTarget database = databaseTarget(env);
        String user = firstNonBlank(env.get("DATABASE_USER"), database.user(), DEFAULT_DATABASE_USER);
        String password = firstNonBlank(env.get("DATABASE_PASSWORD"), database.password(), null);
        int poolSize = intValue(env, "DATABASE_POOL_SIZE", 10, 1, 200);
        URI redisUrl = redisUrl(env);
        boolean cacheEnabled = booleanValue(env, "CACHE_ENABLED", true);
        String cacheNamespace = env.getOrDefault("CACHE_NAMESPACE", "").isBlank() ? "newsagg" : env.get("CACHE_NAMESPACE").strip();
        try {
            CacheSettings.requireNamespace("CACHE_NAMESPACE", cacheNamespace);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        Duration cacheNearTtl = "0".equals(env.getOrDefault("CACHE_NEAR_TTL", "").strip())
                ? Duration.ZERO
                : durationValue(env, "CACHE_NEAR_TTL", DEFAULT_NEAR_TTL, Duration.ofSeconds(1), Duration.ofSeconds(30));
        String adminToken = secret(env, "ADMIN_TOKEN");
        String metricsToken = secret(env, "METRICS_TOKEN");
        boolean timingEnabled = booleanValue(env, "TIMING_ENABLED", true);
        boolean virtualThreads = threadModel(env);
        Feeds feeds = new Feeds(
                booleanValue(env, "FEEDS_POLL_ENABLED", true),
                durationValue(env, "FEEDS_POLL_INTERVAL", Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1)),
                intValue(env, "FEEDS_WORKERS", 4, 1, 64),
                booleanValue(env, "FEEDS_ALLOW_PRIVATE_NETWORKS", false),
                booleanValue(env, "DEFAULT_SOURCES", false));
        return new Config(port, listenAddress, database.jdbcUrl(), user, password, poolSize, redisUrl, cacheEnabled, cacheNamespace, cacheNearTtl, adminToken,
                metricsToken, timingEnabled, virtualThreads, feeds, corsOrigins(env), trustedProxies(env));
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

    static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";

    /** An IP literal only: a name would be looked up at start-up, and may mean another address tomorrow. */
    private static String listenAddress(Map<String, String> env) {
        String raw = env.getOrDefault("LISTEN_ADDRESS", "").strip();
        if (raw.isEmpty()) {
            return DEFAULT_LISTEN_ADDRESS;
        }
        boolean ipv4 = raw.matches("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
        boolean ipv6 = raw.indexOf(':') >= 0 && raw.matches("[0-9A-Fa-f:.]+");
        if (ipv4 || ipv6) {
            try {
                java.net.InetAddress.getByName(raw);
                return raw;
            } catch (java.net.UnknownHostException notALiteral) {
                // reported below
            }
        }
        throw new ConfigException("LISTEN_ADDRESS must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, was '" + raw + "'");
    }

    private record DatabaseTarget(String jdbcUrl, String user, String password) {
    }

    private static DatabaseTarget databaseTarget(Map<String, String> env) {
        String raw = env.get("DATABASE_URL");
        if (raw == null || raw.isBlank()) {
            return new DatabaseTarget(DEFAULT_DATABASE_URL, null, null);
        }
        String value = raw.strip();
        if (value.startsWith("jdbc:postgresql://")) {
            return new DatabaseTarget(value, null, null);
        }
        if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
            return fromPostgresUri(value);
        }
        throw new ConfigException("DATABASE_URL must start with jdbc:postgresql:// or postgres://, was '"
                + maskUrlPassword(value) + "'");
    }

    private static DatabaseTarget fromPostgresUri(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException("DATABASE_URL is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new ConfigException("DATABASE_URL has no host");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw new ConfigException("DATABASE_URL has no database name (postgres://user:pass@host:port/db)");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseTarget("jdbc:postgresql://" + host + ":" + port + path + query, user, password);
    }

    private static URI redisUrl(Map<String, String> env) {
        String raw = env.getOrDefault("REDIS_URL", "");
        String value = raw.isBlank() ? DEFAULT_REDIS_URL : raw.strip();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException("REDIS_URL is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigException("REDIS_URL must start with redis:// or rediss://, was '" + maskUrlPassword(value) + "'");
        }
        if (uri.getHost() == null) {
            throw new ConfigException("REDIS_URL has no host");
        }
        return uri;
    }

    /**
     * Exact origins as a browser sends them in {@code Origin}: scheme, host and a non-default port, nothing else.
     * Anything looser (a path, a wildcard, another scheme) is refused rather than guessed at.
     */
    private static List<String> corsOrigins(Map<String, String> env) {
        String raw = env.getOrDefault("CORS_ORIGINS", "");
        List<String> origins = new ArrayList<>();
        for (String part : raw.split(",")) {
            String value = part.strip();
            if (value.isEmpty()) {
                continue;
            }
            String origin = origin(value);
            if (origin == null) {
                throw new ConfigException("CORS_ORIGINS must be comma-separated origins such as https://news.example.com "
                        + "or http://localhost:3000 (http or https, a host, an optional port, no path), was '" + value + "'");
            }
            if (!origins.contains(origin)) {
                origins.add(origin);
            }
        }
        return origins;
    }

    /** Each block in its canonical form ({@code 10.1.2.3/8} becomes {@code 10.0.0.0/8}). */
    private static List<String> trustedProxies(Map<String, String> env) {
        List<String> blocks = new ArrayList<>();
        for (String part : env.getOrDefault("TRUSTED_PROXIES", "").split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                blocks.add(Cidr.parse(part).toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("TRUSTED_PROXIES must be comma-separated IP addresses or CIDR blocks such as "
                        + "10.0.0.0/8 or 2001:db8::/32: " + e.getMessage());
            }
        }
        return blocks;
    }

    private static String origin(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        if (!(https || scheme.equals("http")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (https ? port == 443 : port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /**
     * {@code auto} (the default) picks virtual threads on Java 21 and later, where they measured faster (see
     * docs/PERFORMANCE.md), and platform threads before.
     */
    private static boolean threadModel(Map<String, String> env) {
        String raw = env.get("HTTP_THREADS");
        String value = raw == null || raw.isBlank() ? "auto" : raw.strip().toLowerCase(Locale.ROOT);
        boolean virtualAvailable = Runtime.version().feature() >= 21;
        return switch (value) {
            case "auto" -> virtualAvailable;
            case "platform" -> false;
            case "virtual" -> {
                if (!virtualAvailable) {
                    throw new ConfigException("HTTP_THREADS=virtual needs Java 21 or later, this is Java "
                            + Runtime.version().feature());
                }
                yield true;
            }
            default -> throw new ConfigException("HTTP_THREADS must be auto, platform or virtual, was '" + raw + "'");
        };
    }

    private static int intValue(Map<String, String> env, String name, int defaultValue, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an integer between " + min + " and " + max + ", was '" + raw + "'");
        }
    }

    /** A duration such as {@code 90s}, {@code 15m}, {@code 2h}, or ISO-8601 {@code PT15M}. */
    private static Duration durationValue(Map<String, String> env, String name, Duration defaultValue, Duration min, Duration max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        String value = raw.strip().toLowerCase(Locale.ROOT);
        Duration duration;
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                duration = Duration.parse(value.toUpperCase(Locale.ROOT));
            } else {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
                duration = switch (value.charAt(value.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new NumberFormatException();
                };
            }
        } catch (RuntimeException e) {
            throw new ConfigException(name + " must be a duration such as 90s, 15m or 2h, was '" + raw + "'");
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + duration);
        }
        return duration;
    }

    private static boolean booleanValue(Map<String, String> env, String name, boolean defaultValue) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, was '" + raw + "'");
        };
    }

    private static String secret(Map<String, String> env, String name) {
        String raw = env.get(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.strip().length() < 16) {
            throw new ConfigException(name + " must be at least 16 characters long");
        }
        return raw.strip();
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

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String mask(String secret) {
        return secret == null ? "(unset)" : "****";
    }

    static String maskUrlPassword(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@]*@", "$1****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }
}
