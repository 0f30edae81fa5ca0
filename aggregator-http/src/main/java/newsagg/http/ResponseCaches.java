package newsagg.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import newsagg.cache.CacheKey;
import newsagg.cache.Cached;
import newsagg.cache.Caches;
import newsagg.cache.Loader;
import newsagg.cache.Lookup;
import newsagg.cache.Outcome;
import newsagg.cache.SingleFlight;
import newsagg.core.ingest.ChangeListener;
import newsagg.core.query.NewsQueries;
import newsagg.core.query.NewsQueries.ChangeMark;
import newsagg.core.query.NewsQueries.ChangedArticle;
import newsagg.core.query.NewsQueries.SearchSnapshot;

/**
 * The response caches of the endpoints the baseline profile chose (docs/PERFORMANCE.md): search, trending and the
 * sources listing. Each stores the JSON bytes of a response with their entity tag ({@link Representation}) and the
 * change sequence it includes everything up to,
 * and every key carries the database's epoch, which moves when articles are deleted or sources added or removed
 * ({@link ChangeMark}). An answer whose sequence is behind the current mark is not thrown away with everything else:
 * a search answer is brought up to date from the few articles stored since ({@link NewsQueries#searchSince}), and
 * trending and sources, cheap since migration V3, are loaded again, once per key across replicas. So a new article
 * shows through every cached endpoint once this process has read the new mark: within {@link #MARK_MAX_AGE} on
 * every replica, and at once on the one that stored it.
 *
 * <p>A search answer that is behind but that no article changed since can alter (each is new and holds no lexeme a
 * match of the query needs) is moved up to the mark as it is, with no database work for its key ({@link
 * RecentChanges}), and kept in this process's near-cache only (every process can do the same from the copy in
 * Redis). An answer that has been behind for less than {@link #STALE_BOUND} (counted from when this process first saw
 * the change it lacks) is served as it is, {@code X-Cache: STALE}, while one refresh per key runs in the background
 * ({@link Revalidations}), though not before it has been behind for {@link #REFRESH_AFTER}, so that one key is
 * refreshed at most about that often: under a steady stream of new articles, requests then never wait for a merge or
 * a load, and the refreshes do not follow the article rate.
 * Past the bound the request brings the answer up to date itself, as above, so no answer is ever served more than
 * {@code MARK_MAX_AGE + STALE_BOUND} behind the database plus the time of one refresh. See docs/CACHE.md.
 */
final class ResponseCaches implements ChangeListener, AutoCloseable {

    static final String SCOPE = "articles";
    /** How long an answer lives; trending's windows move with the clock, so this bounds how far it lags. */
    static final Duration TTL = Duration.ofSeconds(60);
    /** Search answers do not depend on the clock and are kept up to date by merges; the TTL only bounds memory. */
    static final Duration SEARCH_TTL = Duration.ofMinutes(10);
    /** Empty answers (a search that matched nothing) live shorter. */
    static final Duration EMPTY_TTL = Duration.ofSeconds(10);
    /** The cross-process lock: held at most this long, and waited for at most that long by other replicas. */
    static final Duration LOCK_TTL = Duration.ofSeconds(15);
    static final Duration LOCK_WAIT = Duration.ofSeconds(2);
    /** The oldest change mark a process answers by: the freshness bound on every replica but the writer. */
    static final Duration MARK_MAX_AGE = Duration.ofMillis(100);
    /** How long an answer that is behind may still be served while it is refreshed in the background. */
    static final Duration STALE_BOUND = Duration.ofMillis(500);
    /**
     * An answer behind by less than this is served as it is, and no refresh starts: one key is then refreshed at most
     * about this often however fast articles arrive, instead of once per stored article (a refresh of a popular key
     * would otherwise follow the ingestion rate, one database load after another).
     */
    static final Duration REFRESH_AFTER = Duration.ofMillis(200);
    /**
     * A search answer moved up past more changes than this is written back to Redis; past fewer, it is kept in the
     * near-cache only. A copy that far behind is in practice one just read from Redis (a near-cache copy is moved up
     * at every new mark), so a process that reads the copy in Redis brings it up when it lags by this much. One that
     * lags past what {@link RecentChanges} can read is merged instead, which writes it back too.
     */
    static final int MOVE_UP_WRITE_BACK = 64;
    /** Background refreshes: threads, and how many may wait before more are dropped. */
    private static final int REVALIDATION_THREADS = 2;
    private static final int REVALIDATION_QUEUE = 256;
    /** Queries whose lexemes a process remembers before it starts over. */
    private static final int LEXEME_QUERIES = 10_000;
    /**
     * Parsed search snapshots a process keeps for its next merge of the same key, before it starts over; as many
     * snapshots' {@code maxId} for moving answers up. About the near-cache's size, so that a population of searches
     * the near-cache holds does not start the memo over again and again (with 256, parsing snapshots again was a
     * seventh of a merge's samples under the 1,000-query load); a parsed snapshot of a 20-hit page is some 40 KB.
     */
    private static final int PARSED_SNAPSHOTS = 1_024;
    /** The name {@link SearchSnapshot#maxId()} has in a stored snapshot ({@link Json}'s snake_case). */
    static final String MAX_ID_FIELD = "max_id";
    /*
     * The shape of the stored SearchSnapshot's JSON, part of every search key. A process reading a shape newer than
     * its own fails on the unknown field, so during a rolling upgrade two versions sharing one Redis would break each
     * other's answers; with keys of their own, the new version searches again once instead. 2: snapshots keep hits
     * beyond the page and say whether they hold every candidate ("complete").
     */
    static final int SNAPSHOT_FORMAT = 2;

    private static final byte[] EMPTY_ITEMS = "{\"items\":[]".getBytes(StandardCharsets.UTF_8);

    /** Entries a process keeps in memory per cache when the near-cache is on. */
    static final int NEAR_ENTRIES = 1_000;

    private final boolean enabled;
    private final NewsQueries queries;
    private final Json json;
    private final ChangeMarks marks;
    private final SingleFlight<CacheKey, Lookup<Representation>> refreshing = new SingleFlight<>();
    private final Revalidations revalidations = new Revalidations(REVALIDATION_THREADS, REVALIDATION_QUEUE);
    private final RecentChanges recentChanges;
    private final Map<String, Optional<List<Set<String>>>> lexemesByQuery = new ConcurrentHashMap<>();
    private final Map<CacheKey, Parsed> parsedSnapshots = new ConcurrentHashMap<>();
    private final Map<CacheKey, KnownMaxId> maxIds = new ConcurrentHashMap<>();
    final Cached<StoredAnswer> search;
    final Cached<StoredAnswer> trending;
    final Cached<StoredAnswer> sources;

    /** {@code nearTtl} zero leaves the in-process near-cache off. */
    ResponseCaches(Caches caches, Duration nearTtl, NewsQueries queries, Json json) {
        this.enabled = caches.enabled();
        this.queries = queries;
        this.json = json;
        this.marks = new ChangeMarks(queries::changeMark, MARK_MAX_AGE.toNanos());
        this.recentChanges = new RecentChanges(queries);
        this.search = cache(caches, "search", nearTtl).ttl(SEARCH_TTL)
                .emptyTtl(EMPTY_TTL, stored -> hasNoItems(stored.answer().body())).build();
        this.trending = cache(caches, "trending", nearTtl).build();
        this.sources = cache(caches, "sources", nearTtl).build();
    }

    private static Cached.Builder<StoredAnswer> cache(Caches caches, String name, Duration nearTtl) {
        Cached.Builder<StoredAnswer> builder = caches.newCache(name, StoredAnswer.CODEC)
                .scope(SCOPE).ttl(TTL).lock(LOCK_TTL, LOCK_WAIT);
        return nearTtl.isZero() ? builder : builder.nearCache(nearTtl, NEAR_ENTRIES);
    }

    /** The sources listing, whose bytes {@code render} makes (the handler decides what readers may see of a source). */
    Lookup<Representation> sources(Supplier<byte[]> render) {
        if (!enabled) {
            return bypass(sources, render);
        }
        ChangeMark mark = marks.current();
        CacheKey key = sources.key().with("epoch", mark.epoch()).build();
        return reloadIfBehind(sources, key, mark, () -> new StoredAnswer(mark.seq(),
                Representation.of(render.get()), StoredAnswer.NO_STATE));
    }

    Lookup<Representation> trending(int hours, int limit) {
        if (!enabled) {
            return bypass(trending, () -> json.bytes(queries.trending(hours, limit)));
        }
        ChangeMark mark = marks.current();
        CacheKey key = trending.key().with("hours", hours).with("limit", limit).with("epoch", mark.epoch()).build();
        return reloadIfBehind(trending, key, mark, () -> new StoredAnswer(mark.seq(),
                Representation.of(json.bytes(queries.trending(hours, limit))), StoredAnswer.NO_STATE));
    }

    /**
     * The search answer, brought up to date when it is behind. The loader's answer records the mark it read before
     * loading, so it never claims more than it includes; a snapshot records its own, exact mark.
     */
    Lookup<Representation> search(String q, int limit, String cursor) {
        if (!enabled) {
            return bypass(search, () -> json.bytes(queries.search(q, limit, cursor)));
        }
        ChangeMark mark = marks.current();
        CacheKey key = searchKey(search, q, limit, cursor, mark.epoch());
        Loader<StoredAnswer> load = () -> snapshotAnswer(queries.searchSnapshot(q, limit, cursor));
        Lookup<StoredAnswer> found = search.get(key, load);
        if (found.value().seq() >= mark.seq()) {
            return body(found);
        }
        MovedUp unchanged = unchangedSince(key, q, found.value(), mark);
        if (unchanged != null) {
            // Any process can move the copy in Redis up the same way from the changes it has read, so while it is
            // only a few changes behind, this one keeps the result to itself: writing the whole entry back for every
            // key and every stored article was 7 % of the server's samples at 10 articles/s. Left behind for good,
            // though, the copy in Redis would fall out of the changes a process holds, and every read of it would
            // cost a read of the changes from the database and a merge (docs/PERFORMANCE.md, sixth round).
            if (unchanged.changes() > MOVE_UP_WRITE_BACK || !search.putNear(key, unchanged.answer())) {
                search.put(key, unchanged.answer());
            }
            return new Lookup<>(unchanged.answer().answer(), Outcome.HIT, found.cacheNanos());
        }
        if (servedStale(found.value(), key, () -> refreshing.run(key, () -> merge(key, found, mark, load)))) {
            return stale(found);
        }
        return refreshing.run(key, () -> merge(key, found, mark, load)).value();
    }

    /**
     * The key of a search answer in {@code cache}. websearch_to_tsquery with the english configuration ignores case,
     * so the key may too.
     */
    static CacheKey searchKey(Cached<?> cache, String q, int limit, String cursor, long epoch) {
        return cache.key().withCaseInsensitive("q", q).with("limit", limit).with("cursor", cursor)
                .with("epoch", epoch).with("snapshot", SNAPSHOT_FORMAT).build();
    }

    /**
     * {@code answer} moved up to {@code mark} as it is, when no article changed since can alter it: each was stored
     * after the answer's newest article (so it is not an update of one the answer holds) and lacks every lexeme of
     * at least one of the sets a match needs one of each of ({@link NewsQueries#requiredLexemes}). Such an article
     * is no match, so it neither joins the hits nor pushes a candidate out: the answer is exact. Null when that
     * cannot be shown, and the answer must be merged.
     */
    private MovedUp unchangedSince(CacheKey key, String q, StoredAnswer answer, ChangeMark mark) {
        Optional<List<Set<String>>> required = requiredLexemes(q);
        if (required.isEmpty()) {
            return null;
        }
        Optional<List<ChangedArticle>> changed = recentChanges.between(answer.seq(), mark.seq());
        if (changed.isEmpty()) {
            return null;
        }
        long oldestChanged = Long.MAX_VALUE;
        for (ChangedArticle article : changed.get()) {
            if (mayMatch(article.lexemes(), required.get())) {
                return null;
            }
            oldestChanged = Math.min(oldestChanged, article.id());
        }
        if (oldestChanged != Long.MAX_VALUE && oldestChanged <= maxId(key, answer.state())) {
            return null;
        }
        return new MovedUp(new StoredAnswer(mark.seq(), answer.answer(), answer.state()), changed.get().size());
    }

    /** An answer moved up to a later mark as it is, and how many changes it was moved past. */
    private record MovedUp(StoredAnswer answer, int changes) {
    }

    /** Whether an article with {@code lexemes} holds one of each set of {@code required}. */
    static boolean mayMatch(Set<String> lexemes, List<Set<String>> required) {
        for (Set<String> oneOf : required) {
            if (Collections.disjoint(lexemes, oneOf)) {
                return false;
            }
        }
        return true;
    }

    /** Memoized: a query's lexemes depend only on its text (the text search configuration is fixed). */
    private Optional<List<Set<String>>> requiredLexemes(String q) {
        String text = q.strip().toLowerCase(Locale.ROOT);
        Optional<List<Set<String>>> known = lexemesByQuery.get(text);
        if (known != null) {
            return known;
        }
        Optional<List<Set<String>>> lexemes = queries.requiredLexemes(text);
        if (lexemesByQuery.size() >= LEXEME_QUERIES) {
            lexemesByQuery.clear();
        }
        lexemesByQuery.put(text, lexemes);
        return lexemes;
    }

    /**
     * Whether {@code answer}, which is behind the mark, may be served as it is: behind for less than the staleness
     * bound. Once it has been behind for {@link #REFRESH_AFTER}, {@code refresh} is started in the background.
     */
    private boolean servedStale(StoredAnswer answer, CacheKey key, Runnable refresh) {
        long behind = marks.behindNanos(answer.seq());
        if (behind >= STALE_BOUND.toNanos()) {
            return false;
        }
        if (behind >= REFRESH_AFTER.toNanos()) {
            revalidations.submit(key, refresh);
        }
        return true;
    }

    private static Lookup<Representation> stale(Lookup<StoredAnswer> found) {
        return new Lookup<>(found.value().answer(), Outcome.STALE, found.cacheNanos());
    }

    private Lookup<Representation> merge(CacheKey key, Lookup<StoredAnswer> found, ChangeMark mark, Loader<StoredAnswer> load) {
        Optional<SearchSnapshot> next = queries.searchSince(snapshot(key, found.value().state()));
        if (next.isEmpty()) {
            parsedSnapshots.remove(key);
            return body(search.get(key, load, answer -> answer.seq() >= mark.seq()));
        }
        StoredAnswer answer = snapshotAnswer(next.get());
        remember(key, answer.state(), next.get());
        search.put(key, answer);
        // The merge's SQL is the core's time and the put's the cache's; each reported itself.
        return new Lookup<>(answer.answer(), Outcome.REFRESHED, found.cacheNanos());
    }

    /** With the cache off: the plain query, with no mark to read and no snapshot to take. */
    private static Lookup<Representation> bypass(Cached<StoredAnswer> cache, Supplier<byte[]> body) {
        return body(cache.get(cache.key().build(),
                () -> new StoredAnswer(0, Representation.of(body.get()), StoredAnswer.NO_STATE)));
    }

    private Lookup<Representation> reloadIfBehind(Cached<StoredAnswer> cache, CacheKey key, ChangeMark mark,
                                                  Loader<StoredAnswer> load) {
        Lookup<StoredAnswer> found = cache.get(key, load);
        if (found.value().seq() >= mark.seq()) {
            return body(found);
        }
        if (servedStale(found.value(), key, () -> cache.get(key, load, answer -> answer.seq() >= mark.seq()))) {
            return stale(found);
        }
        return body(cache.get(key, load, answer -> answer.seq() >= mark.seq()));
    }

    private StoredAnswer snapshotAnswer(SearchSnapshot snapshot) {
        return new StoredAnswer(snapshot.mark().seq(), Representation.of(json.bytes(snapshot.page())), json.bytes(snapshot));
    }

    /**
     * The snapshot of {@code state}, parsed once per key and process: a popular key is merged again and again, and
     * parsing its snapshot (the hits, with summaries and headlines) was a fifth of a merge's time in the server.
     */
    private SearchSnapshot snapshot(CacheKey key, byte[] state) {
        Parsed known = parsedSnapshots.get(key);
        if (known != null && (known.state() == state || Arrays.equals(known.state(), state))) {
            return known.snapshot();
        }
        SearchSnapshot snapshot = read(state);
        remember(key, state, snapshot);
        return snapshot;
    }

    private void remember(CacheKey key, byte[] state, SearchSnapshot snapshot) {
        keep(parsedSnapshots, key, new Parsed(state, snapshot));
    }

    /** Puts into a per-key memo, which starts over once it holds {@link #PARSED_SNAPSHOTS} keys. */
    private static <V> void keep(Map<CacheKey, V> memo, CacheKey key, V value) {
        if (memo.size() >= PARSED_SNAPSHOTS) {
            memo.clear();
        }
        memo.put(key, value);
    }

    /** A stored snapshot's bytes and what they parse to. */
    private record Parsed(byte[] state, SearchSnapshot snapshot) {
    }

    /** The {@code maxId} of {@code state}, remembered per key while its bytes are the same object. */
    private long maxId(CacheKey key, byte[] state) {
        Parsed parsed = parsedSnapshots.get(key);
        if (parsed != null && parsed.state() == state) {
            return parsed.snapshot().maxId();
        }
        KnownMaxId known = maxIds.get(key);
        if (known != null && known.state() == state) {
            return known.maxId();
        }
        long maxId = maxId(json, state);
        keep(maxIds, key, new KnownMaxId(state, maxId));
        return maxId;
    }

    /** A stored snapshot's bytes and its {@code maxId}. */
    private record KnownMaxId(byte[] state, long maxId) {
    }

    /**
     * The {@code maxId} of a stored snapshot, read from the fields before its hits: when each answer moved up to a
     * new mark parsed its whole snapshot for this one number, that parse was a seventh of the server's time under
     * ingestion (docs/PERFORMANCE.md). {@link Long#MAX_VALUE}, which makes the caller merge, when it is not there.
     */
    static long maxId(Json json, byte[] state) {
        try (JsonParser in = json.mapper().createParser(state)) {
            if (in.nextToken() == JsonToken.START_OBJECT) {
                while (in.nextToken() == JsonToken.FIELD_NAME) {
                    boolean wanted = MAX_ID_FIELD.equals(in.currentName());
                    JsonToken value = in.nextToken();
                    if (wanted) {
                        return value == JsonToken.VALUE_NUMBER_INT ? in.getLongValue() : Long.MAX_VALUE;
                    }
                    in.skipChildren();
                }
            }
            return Long.MAX_VALUE;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable search snapshot in the cache", e);
        }
    }

    private SearchSnapshot read(byte[] state) {
        try {
            return json.mapper().readValue(state, SearchSnapshot.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable search snapshot in the cache", e);
        }
    }

    private static Lookup<Representation> body(Lookup<StoredAnswer> lookup) {
        return new Lookup<>(lookup.value().answer(), lookup.outcome(), lookup.cacheNanos());
    }

    /** Ingestion stored new or changed articles: this process reads the new mark now instead of within its age. */
    @Override
    public void articlesChanged(long sourceId, int inserted, int updated) {
        marks.refresh();
    }

    /** A source was added or removed (the database moved the epoch): read the new mark now. */
    @Override
    public void sourcesChanged() {
        marks.refresh();
    }

    /** The background refreshes asked for since start, by cache and outcome, for {@code /metrics}. */
    Map<String, Map<Revalidations.Outcome, Long>> revalidationCounts() {
        return revalidations.counts();
    }

    /** Stops the background refreshes; the caches themselves are closed by their owner. */
    @Override
    public void close() {
        revalidations.close();
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
