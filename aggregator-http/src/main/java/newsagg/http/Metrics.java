package newsagg.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.prometheus.metrics.config.EscapingScheme;
import newsagg.cache.CacheStats;
import newsagg.core.domain.DroppedItems;
import newsagg.cache.Caches;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Prometheus side of observability: the request-duration histogram by method, route and status (read from
 * {@link RouteLatencies}, where each request is recorded once), the database and Redis connection pools' gauges, the
 * caches' counters, and JVM memory, GC and thread basics, in the text format for {@code /metrics}.
 * Each server has its own registry, so tests and embedders never share global state.
 */
final class Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    Metrics(HikariDataSource pool, Caches caches, RouteLatencies latencies) {
        registry.register(latencies);
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        gauge("hikaricp_connections_active", "Connections in use", () -> bean.getActiveConnections());
        gauge("hikaricp_connections_idle", "Connections idle in the pool", () -> bean.getIdleConnections());
        gauge("hikaricp_connections_pending", "Threads waiting for a connection", () -> bean.getThreadsAwaitingConnection());
        gauge("hikaricp_connections_max", "The pool's maximum size", () -> pool.getMaximumPoolSize());
        gauge("hikaricp_connections", "Connections open, in use or idle", () -> bean.getTotalConnections());
        gauge("newsagg_redis_pool_active", "Redis connections in use", () -> caches.redisPool().active());
        gauge("newsagg_redis_pool_idle", "Redis connections idle in the pool", () -> caches.redisPool().idle());
        gauge("newsagg_redis_pool_waiting", "Threads waiting for a Redis connection", () -> caches.redisPool().waiting());
        JvmMetrics.builder().register(registry);
        cacheCounters(caches);
    }

    /** The response caches' counters, read at scrape time, by cache name; plus the hit ratio the load test reads. */
    private void cacheCounters(Caches caches) {
        cacheCounter("newsagg_cache_hits_total", "Answers served from Redis", caches, CacheStats::hits);
        cacheCounter("newsagg_cache_misses_total", "Lookups that had to load", caches, CacheStats::misses);
        cacheCounter("newsagg_cache_loads_total", "Loader calls", caches, CacheStats::loads);
        cacheCounter("newsagg_cache_load_failures_total", "Loader calls that failed", caches, CacheStats::loadFailures);
        cacheCounter("newsagg_cache_redis_errors_total", "Redis calls that failed or timed out", caches, CacheStats::redisErrors);
        cacheCounter("newsagg_cache_bypasses_total", "Lookups served without Redis", caches, CacheStats::bypasses);
        cacheCounter("newsagg_cache_invalidations_total", "Generation bumps seen", caches, CacheStats::invalidations);
        CounterWithCallback.builder()
                .name("newsagg_cache_load_seconds_total")
                .help("Time spent in loaders")
                .labelNames("cache")
                .callback(callback -> caches.stats().forEach((name, stats) -> callback.call(stats.totalLoadNanos() / 1e9, name)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("newsagg_cache_hit_ratio")
                .help("Hits over lookups since start")
                .labelNames("cache")
                .callback(callback -> caches.stats().forEach((name, stats) -> callback.call(stats.hitRatio(), name)))
                .register(registry);
    }

    private void cacheCounter(String name, String help, Caches caches, ToLongFunction<CacheStats> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("cache")
                .callback(callback -> caches.stats().forEach((cache, stats) -> callback.call(value.applyAsLong(stats), cache)))
                .register(registry);
    }

    private void gauge(String name, String help, java.util.function.IntSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsInt()))
                .register(registry);
    }

    /**
     * Counts the feed items ingestion dropped, by reason ({@code item_limit}, {@code size_limit}, {@code unreadable},
     * {@code refused_by_database}), read from {@code totals} at scrape time. The label values are that fixed set.
     */
    void droppedItems(Supplier<Map<DroppedItems.Reason, Long>> totals) {
        CounterWithCallback.builder()
                .name("newsagg_feed_items_dropped_total")
                .help("Feed items not stored, by reason")
                .labelNames("reason")
                .callback(callback -> totals.get().forEach((reason, n) -> callback.call(n, reason.wireName())))
                .register(registry);
    }

    /**
     * Counts the background refreshes of answers served stale ({@link Revalidations}), by cache and outcome
     * ({@code done}, {@code coalesced}, {@code dropped}, {@code failed}), read from {@code counts} at scrape time.
     */
    void revalidations(Supplier<Map<String, Map<Revalidations.Outcome, Long>>> counts) {
        CounterWithCallback.builder()
                .name("newsagg_cache_revalidations_total")
                .help("Background refreshes of answers served stale, by outcome")
                .labelNames("cache", "outcome")
                .callback(callback -> counts.get().forEach((cache, byOutcome) -> byOutcome.forEach(
                        (outcome, n) -> callback.call(n, cache, outcome.label()))))
                .register(registry);
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
