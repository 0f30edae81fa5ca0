package newsagg.http;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.cache.Caches;
import newsagg.core.NewsCore;
import newsagg.core.ingest.FeedPoller;
import newsagg.core.ingest.Subscriptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service as {@link Main} built it: the pool, the core and the use cases over it, the caches, the
 * poller and the server. Closing it stops them in the order that lets each finish with what the next one holds:
 * the server first (in-flight requests end, within {@link NewsServer#STOP_TIMEOUT}), then the poller (in-flight
 * fetches end), then the background cache refreshes, the caches, the health checks and, last, the pool.
 *
 * @param health the readiness checks, which hold a Redis connection of their own
 */
record Application(HikariDataSource dataSource, NewsCore core, Subscriptions subscriptions, Caches caches,
                   ResponseCaches responses, Health health, FeedPoller poller, NewsServer server) implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    /** Stops serving, then polling, then closes the caches and the pool. Idempotent. */
    @Override
    public void close() {
        server.stop();
        poller.close();
        responses.close();
        caches.close();
        health.close();
        dataSource.close();
        LOG.info("newsagg stopped");
    }
}
