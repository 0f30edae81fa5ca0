package newsagg.cache;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Caches} reaches Redis and how hard it tries. {@code enabled=false} makes every cache a plain
 * pass-through to its loader that never opens a connection. The timeouts are short on purpose: a slow
 * Redis must cost a request less than the query it saves. After {@code breakerThreshold} consecutive
 * Redis failures the caches skip Redis for {@code breakerCoolDown}, then let one probe through.
 * {@code generationStaleness} bounds how long a process may use a generation it read (see
 * {@link Generations}); {@code namespace} is the first segment of every key, so tests can use their own.
 */
public record CacheSettings(boolean enabled, URI redisUrl, String namespace, Duration connectTimeout,
                            Duration socketTimeout, int poolSize, int breakerThreshold, Duration breakerCoolDown,
                            Duration generationStaleness) {

    public static final String DEFAULT_NAMESPACE = "newsagg";

    public CacheSettings {
        Objects.requireNonNull(redisUrl, "redisUrl");
        requireNamespace("cache namespace", namespace);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("socketTimeout", socketTimeout);
        requirePositive("breakerCoolDown", breakerCoolDown);
        Objects.requireNonNull(generationStaleness, "generationStaleness");
        if (generationStaleness.isNegative() || generationStaleness.compareTo(Duration.ofSeconds(1)) >= 0) {
            throw new IllegalArgumentException("generationStaleness must be in [0, 1s), was " + generationStaleness);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, was " + poolSize);
        }
        if (breakerThreshold < 1) {
            throw new IllegalArgumentException("breakerThreshold must be at least 1, was " + breakerThreshold);
        }
    }

    /**
     * Enabled, at {@code redisUrl}, with 100 ms timeouts, 16 connections, a 5-errors/1-s breaker, 250 ms staleness.
     * The 1 s cool-down bounds how long the caches keep bypassing a Redis that is back (issue #8 asks for hits
     * within 5 s of a restart); during an outage it costs one request per second a failed attempt, at most the
     * 100 ms connect timeout.
     */
    public static CacheSettings defaults(URI redisUrl) {
        return new CacheSettings(true, redisUrl, DEFAULT_NAMESPACE, Duration.ofMillis(100), Duration.ofMillis(100),
                16, 5, Duration.ofSeconds(1), Duration.ofMillis(250));
    }

    /** Caching off: caches call their loader and never touch Redis. */
    public static CacheSettings disabled() {
        return new CacheSettings(false, URI.create("redis://localhost:6379"), DEFAULT_NAMESPACE,
                Duration.ofMillis(100), Duration.ofMillis(100), 1, 5, Duration.ofSeconds(1), Duration.ofMillis(250));
    }

    /**
     * The one rule for a namespace (a key segment: lower-case letters, digits, '_' and '-', starting with a letter or
     * digit, at most 64), for configuration to check a value before it reaches these settings.
     *
     * @param what  how the message names the value (e.g. the environment variable it came from)
     * @throws IllegalArgumentException "{@code what} must match ..., was '...'"
     */
    public static String requireNamespace(String what, String value) {
        return CacheKey.requireIdentifier(what, value);
    }

    public CacheSettings withNamespace(String value) {
        return new CacheSettings(enabled, redisUrl, value, connectTimeout, socketTimeout, poolSize,
                breakerThreshold, breakerCoolDown, generationStaleness);
    }

    public CacheSettings withTimeouts(Duration connect, Duration socket) {
        return new CacheSettings(enabled, redisUrl, namespace, connect, socket, poolSize,
                breakerThreshold, breakerCoolDown, generationStaleness);
    }

    public CacheSettings withPoolSize(int value) {
        return new CacheSettings(enabled, redisUrl, namespace, connectTimeout, socketTimeout, value,
                breakerThreshold, breakerCoolDown, generationStaleness);
    }

    public CacheSettings withBreaker(int threshold, Duration coolDown) {
        return new CacheSettings(enabled, redisUrl, namespace, connectTimeout, socketTimeout, poolSize,
                threshold, coolDown, generationStaleness);
    }

    public CacheSettings withGenerationStaleness(Duration value) {
        return new CacheSettings(enabled, redisUrl, namespace, connectTimeout, socketTimeout, poolSize,
                breakerThreshold, breakerCoolDown, value);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
