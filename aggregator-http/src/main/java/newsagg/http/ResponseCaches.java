package newsagg.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import newsagg.cache.Cached;
import newsagg.cache.Caches;
import newsagg.core.ingest.ChangeListener;

/**
 * The response caches of the endpoints the baseline profile chose (docs/PERFORMANCE.md): search, trending and the
 * sources listing. Each stores the JSON bytes of a response with their entity tag ({@link Representation#CODEC})
 * and serves them as they are. All three share the
 * {@code articles} scope: a stored article, or an added or deleted source, bumps its generation, which makes
 * every cached answer unreachable at once.
 */
final class ResponseCaches implements ChangeListener {

    static final String SCOPE = "articles";
    /** How long an answer lives; a changed article invalidates it sooner, through the generation. */
    static final Duration TTL = Duration.ofSeconds(60);
    /**
     * Search answers live longer: a miss costs up to a second of database time, and with 60 s the popular queries
     * expired about as fast as misses refilled them (60 % hits, docs/PERFORMANCE.md). The generation still
     * invalidates them as soon as an article arrives, so the TTL only bounds memory.
     */
    static final Duration SEARCH_TTL = Duration.ofMinutes(10);
    /** Empty answers (a search that matched nothing) live shorter, so a new article soon matches. */
    static final Duration EMPTY_TTL = Duration.ofSeconds(10);
    /** The cross-process lock: held at most this long, and waited for at most that long by other replicas. */
    static final Duration LOCK_TTL = Duration.ofSeconds(15);
    static final Duration LOCK_WAIT = Duration.ofSeconds(2);

    private static final byte[] EMPTY_ITEMS = "{\"items\":[]".getBytes(StandardCharsets.UTF_8);

    private final Caches caches;
    final Cached<Representation> search;
    final Cached<Representation> trending;
    final Cached<Representation> sources;

    /** Entries a process keeps in memory per cache when the near-cache is on. */
    static final int NEAR_ENTRIES = 1_000;

    /** {@code nearTtl} zero leaves the in-process near-cache off. */
    ResponseCaches(Caches caches, Duration nearTtl) {
        this.caches = caches;
        this.search = cache("search", nearTtl).ttl(SEARCH_TTL).emptyTtl(EMPTY_TTL, answer -> hasNoItems(answer.body())).build();
        this.trending = cache("trending", nearTtl).build();
        this.sources = cache("sources", nearTtl).build();
    }

    private Cached.Builder<Representation> cache(String name, Duration nearTtl) {
        Cached.Builder<Representation> builder = caches.newCache(name, Representation.CODEC)
                .scope(SCOPE).ttl(TTL).lock(LOCK_TTL, LOCK_WAIT);
        return nearTtl.isZero() ? builder : builder.nearCache(nearTtl, NEAR_ENTRIES);
    }

    /** Ingestion stored new or changed articles: every cached answer may be stale now. */
    @Override
    public void articlesChanged(long sourceId, int inserted, int updated) {
        invalidate();
    }

    /** Makes every cached answer unreachable (a Redis INCR; no KEYS, no SCAN). */
    void invalidate() {
        caches.generations().bump(SCOPE);
    }

    static boolean hasNoItems(byte[] json) {
        if (json.length < EMPTY_ITEMS.length) {
            return false;
        }
        for (int i = 0; i < EMPTY_ITEMS.length; i++) {
            if (json[i] != EMPTY_ITEMS[i]) {
                return false;
            }
        }
        return true;
    }
}
