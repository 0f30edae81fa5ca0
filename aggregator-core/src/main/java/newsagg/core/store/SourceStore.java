package newsagg.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import newsagg.core.domain.DroppedItems;
import newsagg.core.domain.FetchState;
import newsagg.core.domain.Source;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Sources and their fetch state. The poller {@link #claimDue claims} due sources under a lease, so that several
 * processes can poll the same database without fetching a source twice, and then records the outcome of each fetch.
 * How long to wait before the next fetch (backoff) is the caller's decision. Thread-safe.
 *
 * <p>A source added without a title gets its feed URL as a placeholder title; a successful fetch replaces the
 * placeholder with the feed's own title, but never overwrites a title someone gave.
 */
public final class SourceStore {

    /** The longest error message kept; longer ones are truncated. */
    public static final int ERROR_MAX_CHARS = 1000;

    private static final String UNIQUE_VIOLATION = "23505";

    private static final String COLUMNS = """
            id, title, feed_url, site_url, created_at, etag, last_modified, last_fetched_at, next_fetch_at,
            error_count, last_error, last_fetch_dropped""";

    private static final String INSERT = """
            INSERT INTO sources (title, feed_url, site_url) VALUES (:title, :feedUrl, :siteUrl)
            RETURNING\s""" + COLUMNS;
    private static final String FIND = "SELECT " + COLUMNS + " FROM sources WHERE id = :id";
    private static final String FIND_BY_FEED_URL = "SELECT " + COLUMNS + " FROM sources WHERE feed_url = :feedUrl";
    private static final String LIST = "SELECT " + COLUMNS + " FROM sources ORDER BY title, id";
    private static final String DELETE = "DELETE FROM sources WHERE id = :id";

    /*
     * One statement, hence one short transaction: lock the due rows that nobody else holds, and push their
     * next_fetch_at to the end of the lease so that no one claims them again while they are being fetched.
     */
    private static final String CLAIM_DUE = """
            WITH due AS (
                SELECT id, next_fetch_at AS due_at
                FROM sources
                WHERE next_fetch_at <= :now
                ORDER BY next_fetch_at, id
                LIMIT :max
                FOR UPDATE SKIP LOCKED
            )
            UPDATE sources s SET next_fetch_at = :leaseUntil
            FROM due
            WHERE s.id = due.id
            RETURNING due.due_at, s.id, s.title, s.feed_url, s.site_url, s.created_at, s.etag, s.last_modified,
                      s.last_fetched_at, s.next_fetch_at, s.error_count, s.last_error, s.last_fetch_dropped""";

    private static final String RECORD_SUCCESS = """
            UPDATE sources SET
                etag = :etag,
                last_modified = :lastModified,
                last_fetched_at = :fetchedAt,
                next_fetch_at = :nextFetchAt,
                error_count = 0,
                last_error = NULL,
                last_fetch_dropped = :dropped::jsonb,
                title = CASE WHEN title = feed_url THEN coalesce(:title, title) ELSE title END,
                site_url = coalesce(site_url, :siteUrl)
            WHERE id = :id""";

    private static final String RECORD_NOT_MODIFIED = """
            UPDATE sources SET
                last_fetched_at = :fetchedAt,
                next_fetch_at = :nextFetchAt,
                error_count = 0,
                last_error = NULL
            WHERE id = :id""";

    private static final String RECORD_FAILURE = """
            UPDATE sources SET
                last_fetched_at = :fetchedAt,
                next_fetch_at = :nextFetchAt,
                error_count = error_count + 1,
                last_error = left(:error, :maxChars)
            WHERE id = :id""";

    private final Jdbi jdbi;

    /** A store over {@code jdbi}, whose database has the newsagg schema. */
    public SourceStore(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /**
     * Adds a source, due for fetching now. {@code title} may be null (the feed URL stands in until the first
     * successful fetch), as may {@code siteUrl}.
     *
     * @throws DuplicateSourceException when a source with this feed URL exists
     */
    public Source create(String feedUrl, String title, String siteUrl) {
        Objects.requireNonNull(feedUrl, "feedUrl");
        String effectiveTitle = title == null || title.isBlank() ? feedUrl : title;
        try {
            return jdbi.withHandle(h -> h.createQuery(INSERT)
                    .bind("title", effectiveTitle)
                    .bind("feedUrl", feedUrl)
                    .bind("siteUrl", siteUrl)
                    .map(SourceStore::source)
                    .one());
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new DuplicateSourceException(feedUrl, e);
            }
            throw e;
        }
    }

    /** The source with this id, if any. */
    public Optional<Source> find(long id) {
        return jdbi.withHandle(h -> h.createQuery(FIND).bind("id", id).map(SourceStore::source).findOne());
    }

    /** The source with exactly this feed URL, if any. */
    public Optional<Source> findByFeedUrl(String feedUrl) {
        return jdbi.withHandle(h -> h.createQuery(FIND_BY_FEED_URL)
                .bind("feedUrl", Objects.requireNonNull(feedUrl, "feedUrl"))
                .map(SourceStore::source)
                .findOne());
    }

    /** Every source, ordered by title. */
    public List<Source> list() {
        return jdbi.withHandle(h -> h.createQuery(LIST).map(SourceStore::source).list());
    }

    /** Deletes a source and, by cascade, its articles; false when there was no such source. */
    public boolean delete(long id) {
        return jdbi.withHandle(h -> h.createUpdate(DELETE).bind("id", id).execute()) > 0;
    }

    /**
     * Claims up to {@code max} sources due at {@code now}, longest overdue first, and leases them until
     * {@code now + lease}: until then no other claimer gets them. The caller records the outcome of each fetch, which
     * sets the real next fetch time; if it crashes instead, the source becomes due again when the lease ends. The
     * returned sources carry the lease end as their next fetch time.
     */
    public List<Source> claimDue(Instant now, int max, Duration lease) {
        Objects.requireNonNull(now, "now");
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        List<Claimed> claimed = jdbi.inTransaction(h -> h.createQuery(CLAIM_DUE)
                .bind("now", utc(now))
                .bind("max", max)
                .bind("leaseUntil", utc(now.plus(lease)))
                .map((rs, ctx) -> new Claimed(instant(rs, "due_at"), source(rs, ctx)))
                .list());
        return claimed.stream()
                .sorted(Comparator.comparing(Claimed::dueAt).thenComparing(c -> c.source().id()))
                .map(Claimed::source)
                .toList();
    }

    /**
     * Records a successful fetch: new validators, the next fetch time, and a clean error state. {@code title} and
     * {@code siteUrl} are what the feed says about itself (either may be null); they fill in only what nobody gave.
     */
    public void recordSuccess(long id, String etag, String lastModified, Instant fetchedAt, Instant nextFetchAt,
                              String title, String siteUrl) {
        recordSuccess(id, etag, lastModified, fetchedAt, nextFetchAt, title, siteUrl, DroppedItems.NONE);
    }

    /**
     * Records a successful fetch, as {@link #recordSuccess(long, String, String, Instant, Instant, String, String)},
     * together with the items of the feed that were not stored.
     */
    public void recordSuccess(long id, String etag, String lastModified, Instant fetchedAt, Instant nextFetchAt,
                              String title, String siteUrl, DroppedItems dropped) {
        jdbi.useHandle(h -> h.createUpdate(RECORD_SUCCESS)
                .bind("dropped", DroppedItemsColumn.toJson(dropped))
                .bind("id", id)
                .bind("etag", etag)
                .bind("lastModified", lastModified)
                .bind("fetchedAt", utc(fetchedAt))
                .bind("nextFetchAt", utc(nextFetchAt))
                .bind("title", title == null || title.isBlank() ? null : title)
                .bind("siteUrl", siteUrl)
                .execute());
    }

    /** Records a fetch answered with 304 Not Modified: a success that brought nothing new. */
    public void recordNotModified(long id, Instant fetchedAt, Instant nextFetchAt) {
        jdbi.useHandle(h -> h.createUpdate(RECORD_NOT_MODIFIED)
                .bind("id", id)
                .bind("fetchedAt", utc(fetchedAt))
                .bind("nextFetchAt", utc(nextFetchAt))
                .execute());
    }

    /**
     * Records a failed fetch: one more consecutive error, its message (truncated to {@value #ERROR_MAX_CHARS}
     * characters) and when to try again.
     */
    public void recordFailure(long id, String error, Instant fetchedAt, Instant nextFetchAt) {
        // PostgreSQL text cannot hold NUL, and an error message must never make the bookkeeping fail.
        String message = error == null || error.isBlank() ? "unknown error" : error.replace('\0', ' ');
        jdbi.useHandle(h -> h.createUpdate(RECORD_FAILURE)
                .bind("id", id)
                .bind("error", message)
                .bind("maxChars", ERROR_MAX_CHARS)
                .bind("fetchedAt", utc(fetchedAt))
                .bind("nextFetchAt", utc(nextFetchAt))
                .execute());
    }

    private record Claimed(Instant dueAt, Source source) {
    }

    private static Source source(ResultSet rs, StatementContext ctx) throws SQLException {
        FetchState fetch = new FetchState(rs.getString("etag"), rs.getString("last_modified"),
                instant(rs, "last_fetched_at"), instant(rs, "next_fetch_at"), rs.getInt("error_count"),
                rs.getString("last_error"), DroppedItemsColumn.fromJson(rs.getString("last_fetch_dropped")));
        return new Source(rs.getLong("id"), rs.getString("title"), rs.getString("feed_url"),
                rs.getString("site_url"), instant(rs, "created_at"), fetch);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return Objects.requireNonNull(instant, "instant").atOffset(ZoneOffset.UTC);
    }
}
