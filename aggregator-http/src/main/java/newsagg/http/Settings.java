package newsagg.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import newsagg.cache.CacheSettings;

/**
 * Every environment variable the server reads, each declared once with its default, its rule and its help text.
 * {@link Config#fromEnvironment} reads them, and the README's configuration table is these rows in this order
 * (ConfigReadmeTest fails when they disagree). A value a rule refuses stops start-up with one line naming the variable.
 */
final class Settings {

    static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://localhost:5432/newsagg";
    static final String DEFAULT_DATABASE_USER = "postgres";
    static final String DEFAULT_REDIS_URL = "redis://localhost:6379";
    static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
    /** Doubled the throughput of cache hits in the measurement in docs/PERFORMANCE.md. */
    static final Duration DEFAULT_NEAR_TTL = Duration.ofSeconds(2);

    static final Setting<Integer> PORT = new Setting<>("PORT", "`8080`",
            integer(8080, 0, 65_535),
            "HTTP port");
    static final Setting<String> LISTEN_ADDRESS = new Setting<>("LISTEN_ADDRESS", "`127.0.0.1` (`0.0.0.0` in the image)",
            Settings::listenAddress,
            "the IP address to listen on; `0.0.0.0` (or `::`) for every interface");
    static final Setting<DatabaseTarget> DATABASE_URL = new Setting<>("DATABASE_URL", "`" + DEFAULT_DATABASE_URL + "`",
            Settings::databaseTarget,
            "a JDBC URL, or `postgres://user:pass@host:port/db`");
    static final Setting<String> DATABASE_USER = new Setting<>("DATABASE_USER",
            "`" + DEFAULT_DATABASE_USER + "` (or the user in a `postgres://` URL)",
            Settings::nonBlank,
            "database user");
    static final Setting<String> DATABASE_PASSWORD = new Setting<>("DATABASE_PASSWORD",
            "none (or the password in a `postgres://` URL)",
            Settings::nonBlank,
            "database password");
    static final Setting<Integer> DATABASE_POOL_SIZE = new Setting<>("DATABASE_POOL_SIZE", "`10`",
            integer(10, 1, 200),
            "connection pool size (1–200)");
    static final Setting<URI> REDIS_URL = new Setting<>("REDIS_URL", "`" + DEFAULT_REDIS_URL + "`",
            Settings::redisUrl,
            "Redis (`rediss://` for TLS); `/health/ready` reports it");
    static final Setting<Boolean> CACHE_ENABLED = new Setting<>("CACHE_ENABLED", "`true`",
            bool(true),
            "the response cache; `false` means Redis is never touched (readiness reports `disabled`)");
    static final Setting<String> CACHE_NAMESPACE = new Setting<>("CACHE_NAMESPACE", "`" + CacheSettings.DEFAULT_NAMESPACE + "`",
            Settings::cacheNamespace,
            "first part of every Redis key, so several deployments can share a Redis: lower-case letters, digits, `_` "
                    + "and `-`, starting with a letter or digit, at most 64 (the cache module's rule)");
    static final Setting<Duration> CACHE_NEAR_TTL = new Setting<>("CACHE_NEAR_TTL", "`2s`",
            Settings::cacheNearTtl,
            "how long each process also keeps cached answers in memory (1–30 s; `0` turns it off); still checked "
                    + "against the generation");
    static final Setting<String> ADMIN_TOKEN = new Setting<>("ADMIN_TOKEN", "unset",
            Settings::secret,
            "bearer token for admin writes (16+ characters); unset disables them");
    static final Setting<String> METRICS_TOKEN = new Setting<>("METRICS_TOKEN", "unset",
            Settings::secret,
            "when set, `/metrics` and `/debug/timings` (reading it, and the `POST` that resets it) need "
                    + "`Authorization: Bearer <token>`");
    static final Setting<Boolean> TIMING_ENABLED = new Setting<>("TIMING_ENABLED", "`true`",
            bool(true),
            "per-request timing; switch off only to measure its cost");
    static final Setting<Boolean> DEBUG_MEMORY_SOURCES = new Setting<>("DEBUG_MEMORY_SOURCES", "`false`",
            bool(false),
            "serve `GET /debug/memory/sources` (behind the metrics token): the sources answer held in memory, the "
                    + "ceiling a cache hit is measured against by the load test's `memory_sources` scenario; for "
                    + "benchmarks only");
    static final Setting<Boolean> HTTP_THREADS = new Setting<>("HTTP_THREADS", "`auto`",
            Settings::virtualThreads,
            "`auto` (virtual threads on Java 21+, else platform), `platform` or `virtual`; docs/PERFORMANCE.md has "
                    + "the measurement");
    static final Setting<Boolean> FEEDS_POLL_ENABLED = new Setting<>("FEEDS_POLL_ENABLED", "`true`",
            bool(true),
            "poll the sources in the background; `false` leaves fetching to `POST /api/sources/{id}/refresh`");
    static final Setting<Duration> FEEDS_POLL_INTERVAL = new Setting<>("FEEDS_POLL_INTERVAL", "`15m`",
            duration(Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1)),
            "how often each source is fetched (10 s – 1 day; `90s`, `15m`, `1h`)");
    static final Setting<Integer> FEEDS_WORKERS = new Setting<>("FEEDS_WORKERS", "`4`",
            integer(4, 1, 64),
            "sources fetched at once (1–64)");
    static final Setting<Boolean> FEEDS_ALLOW_PRIVATE_NETWORKS = new Setting<>("FEEDS_ALLOW_PRIVATE_NETWORKS", "`false`",
            bool(false),
            "allow feed URLs on loopback, private and link-local addresses (off: a feed URL cannot reach your network)");
    static final Setting<Boolean> DEFAULT_SOURCES = new Setting<>("DEFAULT_SOURCES",
            "`false` (`true` in compose.yml and .env.example)",
            bool(false),
            "on start, import the bundled list of feeds when there are no sources yet; the jar starts empty, the "
                    + "Compose stack with the list");
    static final Setting<List<String>> CORS_ORIGINS = new Setting<>("CORS_ORIGINS", "unset (CORS off)",
            Settings::corsOrigins,
            "comma-separated exact origins (`https://news.example.com,http://localhost:3000`: http/https, host, "
                    + "optional port, no path) that may `GET` the read API (`/api/articles`, `/api/sources`, "
                    + "`/api/search`, `/api/trending`) from a browser; admin, health and metrics endpoints are never "
                    + "cross-origin");
    static final Setting<List<String>> TRUSTED_PROXIES = new Setting<>("TRUSTED_PROXIES", "unset (none)",
            Settings::trustedProxies,
            "comma-separated addresses or CIDR blocks (`10.0.0.0/8,2001:db8::/32`) of reverse proxies; only for "
                    + "requests from them is the client address (logs, the admin lockout) the rightmost "
                    + "`X-Forwarded-For` hop that is not a proxy (`Forwarded` when there is no `X-Forwarded-For`; a "
                    + "proxy that writes only `Forwarded` must drop `X-Forwarded-For`). Unset, the TCP peer is the "
                    + "client and those headers are ignored");

    /** Every setting, in the README table's order. */
    static final List<Setting<?>> ALL = List.of(PORT, LISTEN_ADDRESS, DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD,
            DATABASE_POOL_SIZE, REDIS_URL, CACHE_ENABLED, CACHE_NAMESPACE, CACHE_NEAR_TTL, ADMIN_TOKEN, METRICS_TOKEN,
            TIMING_ENABLED, DEBUG_MEMORY_SOURCES, HTTP_THREADS, FEEDS_POLL_ENABLED, FEEDS_POLL_INTERVAL, FEEDS_WORKERS,
            FEEDS_ALLOW_PRIVATE_NETWORKS, DEFAULT_SOURCES, CORS_ORIGINS, TRUSTED_PROXIES);

    private Settings() {
    }

    /** {@code DATABASE_URL} as a JDBC URL, with the credentials a {@code postgres://} URL carries (else null). */
    record DatabaseTarget(String jdbcUrl, String user, String password) {
    }

    private static Setting.Rule<Integer> integer(int defaultValue, int min, int max) {
        return (name, raw) -> {
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
        };
    }

    /** A duration such as {@code 90s}, {@code 15m}, {@code 2h}, or ISO-8601 {@code PT15M}. */
    private static Setting.Rule<Duration> duration(Duration defaultValue, Duration min, Duration max) {
        return (name, raw) -> {
            if (raw == null || raw.isBlank()) {
                return defaultValue;
            }
            String value = raw.strip().toLowerCase(Locale.ROOT);
            Duration duration;
            try {
                if (value.startsWith("p")) {
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
        };
    }

    private static Setting.Rule<Boolean> bool(boolean defaultValue) {
        return (name, raw) -> {
            if (raw == null || raw.isBlank()) {
                return defaultValue;
            }
            return switch (raw.strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name + " must be true or false, was '" + raw + "'");
            };
        };
    }

    /** The value as given, or null when unset or blank, for settings whose default depends on another one. */
    private static String nonBlank(String name, String raw) {
        return raw == null || raw.isBlank() ? null : raw;
    }

    private static String secret(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.strip().length() < 16) {
            throw new ConfigException(name + " must be at least 16 characters long");
        }
        return raw.strip();
    }

    /** An IP literal only: a name would be looked up at start-up, and may mean another address tomorrow. */
    private static String listenAddress(String name, String raw) {
        String value = raw == null ? "" : raw.strip();
        if (value.isEmpty()) {
            return DEFAULT_LISTEN_ADDRESS;
        }
        boolean ipv4 = value.matches("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
        boolean ipv6 = value.indexOf(':') >= 0 && value.matches("[0-9A-Fa-f:.]+");
        if (ipv4 || ipv6) {
            try {
                InetAddress.getByName(value);
                return value;
            } catch (UnknownHostException notALiteral) {
                // reported below
            }
        }
        throw new ConfigException(name + " must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, was '" + value + "'");
    }

    private static DatabaseTarget databaseTarget(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return new DatabaseTarget(DEFAULT_DATABASE_URL, null, null);
        }
        String value = raw.strip();
        if (value.startsWith("jdbc:postgresql://")) {
            return new DatabaseTarget(value, null, null);
        }
        if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
            return fromPostgresUri(name, value);
        }
        throw new ConfigException(name + " must start with jdbc:postgresql:// or postgres://, was '"
                + Config.maskUrlPassword(value) + "'");
    }

    private static DatabaseTarget fromPostgresUri(String name, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(name + " is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new ConfigException(name + " has no host");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw new ConfigException(name + " has no database name (postgres://user:pass@host:port/db)");
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

    private static URI redisUrl(String name, String raw) {
        String value = raw == null || raw.isBlank() ? DEFAULT_REDIS_URL : raw.strip();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(name + " is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigException(name + " must start with redis:// or rediss://, was '" + Config.maskUrlPassword(value) + "'");
        }
        if (uri.getHost() == null) {
            throw new ConfigException(name + " has no host");
        }
        return uri;
    }

    /** The rule is the cache module's, stated there once, so that a namespace accepted here is one it accepts. */
    private static String cacheNamespace(String name, String raw) {
        String value = raw == null || raw.isBlank() ? CacheSettings.DEFAULT_NAMESPACE : raw.strip();
        try {
            return CacheSettings.requireNamespace(name, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static Duration cacheNearTtl(String name, String raw) {
        if (raw != null && "0".equals(raw.strip())) {
            return Duration.ZERO;
        }
        return duration(DEFAULT_NEAR_TTL, Duration.ofSeconds(1), Duration.ofSeconds(30)).read(name, raw);
    }

    /**
     * {@code auto} (the default) picks virtual threads on Java 21 and later, where they measured faster (see
     * docs/PERFORMANCE.md), and platform threads before.
     */
    private static boolean virtualThreads(String name, String raw) {
        String value = raw == null || raw.isBlank() ? "auto" : raw.strip().toLowerCase(Locale.ROOT);
        boolean virtualAvailable = Runtime.version().feature() >= 21;
        return switch (value) {
            case "auto" -> virtualAvailable;
            case "platform" -> false;
            case "virtual" -> {
                if (!virtualAvailable) {
                    throw new ConfigException(name + "=virtual needs Java 21 or later, this is Java "
                            + Runtime.version().feature());
                }
                yield true;
            }
            default -> throw new ConfigException(name + " must be auto, platform or virtual, was '" + raw + "'");
        };
    }

    /**
     * Exact origins as a browser sends them in {@code Origin}: scheme, host and a non-default port, nothing else.
     * Anything looser (a path, a wildcard, another scheme) is refused rather than guessed at.
     */
    private static List<String> corsOrigins(String name, String raw) {
        List<String> origins = new ArrayList<>();
        for (String part : (raw == null ? "" : raw).split(",")) {
            String value = part.strip();
            if (value.isEmpty()) {
                continue;
            }
            String origin = origin(value);
            if (origin == null) {
                throw new ConfigException(name + " must be comma-separated origins such as https://news.example.com "
                        + "or http://localhost:3000 (http or https, a host, an optional port, no path), was '" + value + "'");
            }
            if (!origins.contains(origin)) {
                origins.add(origin);
            }
        }
        return List.copyOf(origins);
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

    /** Each block in its canonical form ({@code 10.1.2.3/8} becomes {@code 10.0.0.0/8}). */
    private static List<String> trustedProxies(String name, String raw) {
        List<String> blocks = new ArrayList<>();
        for (String part : (raw == null ? "" : raw).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                blocks.add(Cidr.parse(part).toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + " must be comma-separated IP addresses or CIDR blocks such as "
                        + "10.0.0.0/8 or 2001:db8::/32: " + e.getMessage());
            }
        }
        return List.copyOf(blocks);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
