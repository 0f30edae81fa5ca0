package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.Trending;
import newsagg.core.store.Aggregates;
import newsagg.core.testing.CoreExtension;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every maintained aggregate of the core's migration V3 equals a recount from the articles, written here
 * independently of the migration's functions, after inserts, updates, a deleted source and a corpus load; and
 * trending over the aggregates answers exactly what the recount over every article in the windows answered before
 * them. It lives beside the seeder, not in the core, because one of its cases loads a corpus.
 */
class AggregatesIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    private static final String[] WORDS = {"election", "market", "storm", "court", "vote", "rates", "budget", "strike",
            "2024", "oil", "summit", "trade", "league", "final", "the", "of", "a"};

    /** The trending query before the aggregates: every article in both windows, unnested. */
    private static final String RECOUNT_TERMS = """
            WITH counts AS (
                SELECT t.lexeme AS term,
                       count(*) FILTER (WHERE a.published_at >= now() - make_interval(hours => :hours)) AS recent,
                       count(*) FILTER (WHERE a.published_at < now() - make_interval(hours => :hours)) AS before
                FROM articles a
                CROSS JOIN LATERAL unnest(tsvector_to_array(ts_filter(a.search_vector, '{a}'))) AS t(lexeme)
                WHERE a.published_at >= now() - make_interval(hours => 2 * :hours)
                  AND a.published_at <= now()
                  AND length(t.lexeme) >= 3
                  AND t.lexeme !~ '^[0-9][0-9.,]*$'
                GROUP BY t.lexeme
            )
            SELECT term || '=' || recent
            FROM counts
            WHERE recent >= 2 AND recent > before
            ORDER BY (recent - before) / sqrt(before + 1.0) DESC, recent DESC, term
            LIMIT :limit""";

    private static final String RECOUNT_SOURCES = """
            SELECT a.source_id || '=' || count(*)
            FROM articles a
            WHERE a.published_at >= now() - make_interval(hours => :hours) AND a.published_at <= now()
            GROUP BY a.source_id
            ORDER BY count(*) DESC, a.source_id
            LIMIT :limit""";

    private static final String TERMS = """
            SELECT t.lexeme AS term, a.published_at
            FROM articles a
            CROSS JOIN LATERAL unnest(tsvector_to_array(ts_filter(a.search_vector, '{a}'))) AS t(lexeme)
            WHERE length(t.lexeme) >= 3 AND t.lexeme !~ '^[0-9][0-9.,]*$'""";

    /** Rows of each aggregate that differ from the recount, in either direction: empty when they agree. */
    private static List<String> differences(Handle h) {
        String[][] checks = {
                {"SELECT id, article_count FROM sources",
                 "SELECT s.id, (SELECT count(*) FROM articles a WHERE a.source_id = s.id) FROM sources s"},
                {"SELECT hour, source_id, articles FROM source_hours",
                 "SELECT date_trunc('hour', published_at, 'UTC'), source_id, count(*) FROM articles GROUP BY 1, 2"},
                {"SELECT day, source_id, articles FROM source_days",
                 "SELECT date_trunc('day', published_at, 'UTC'), source_id, count(*) FROM articles GROUP BY 1, 2"},
                {"SELECT hour, term, articles FROM term_hours",
                 "SELECT date_trunc('hour', published_at, 'UTC'), term, count(*) FROM (" + TERMS + ") t GROUP BY 1, 2"},
                {"SELECT day, term, articles FROM term_days",
                 "SELECT date_trunc('day', published_at, 'UTC'), term, count(*) FROM (" + TERMS + ") t GROUP BY 1, 2"},
                {"SELECT w.lo || ' ' || w.hi, x.term, x.articles FROM trending_windows w "
                         + "JOIN trending_window_terms x ON x.window_id = w.id",
                 "SELECT w.lo || ' ' || w.hi, t.term, count(*) FROM trending_windows w JOIN (" + TERMS + ") t "
                         + "ON t.published_at >= w.lo AND t.published_at < w.hi GROUP BY 1, 2"},
                {"SELECT w.lo || ' ' || w.hi, x.source_id, x.articles FROM trending_windows w "
                         + "JOIN trending_window_sources x ON x.window_id = w.id",
                 "SELECT w.lo || ' ' || w.hi, a.source_id, count(*) FROM trending_windows w JOIN articles a "
                         + "ON a.published_at >= w.lo AND a.published_at < w.hi GROUP BY 1, 2"},
        };
        List<String> out = new ArrayList<>();
        for (String[] check : checks) {
            out.addAll(h.createQuery("(" + check[0] + " EXCEPT " + check[1] + ") UNION ALL (" + check[1] + " EXCEPT "
                    + check[0] + ")").map((rs, ctx) -> check[0] + ": " + rs.getString(1) + " " + rs.getString(2)).list());
        }
        return out;
    }

    private static void assertAggregatesMatchRecount() {
        assertThat(DB.core().jdbi().withHandle(AggregatesIT::differences)).isEmpty();
        for (int hours : new int[] {1, 2, 5, 24, 49, 168}) {
            assertTrendingMatchesRecount(hours);
        }
        // The windows the calls above kept are aggregates too, and now hold rows.
        assertThat(DB.core().jdbi().withHandle(AggregatesIT::differences)).isEmpty();
    }

    private static void assertTrendingMatchesRecount(int hours) {
        Trending trending = DB.core().queries().trending(hours, 50);
        List<String> recountTerms = DB.core().jdbi().withHandle(h -> h.createQuery(RECOUNT_TERMS)
                .bind("hours", hours).bind("limit", 50).mapTo(String.class).list());
        List<String> recountSources = DB.core().jdbi().withHandle(h -> h.createQuery(RECOUNT_SOURCES)
                .bind("hours", hours).bind("limit", 50).mapTo(String.class).list());
        assertThat(trending.terms()).extracting(t -> t.term() + "=" + t.count())
                .as("terms of %d h", hours).isEqualTo(recountTerms);
        assertThat(trending.sources()).extracting(s -> s.sourceId() + "=" + s.count())
                .as("sources of %d h", hours).isEqualTo(recountSources);
    }

    private static List<NewArticle> batch(Random random, String prefix, int size, Instant now) {
        List<NewArticle> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            // Spread over 15 days back and a little into the future, to the microsecond, so windows cut hours.
            Instant at = now.minus(random.nextInt(15 * 24 * 3600) * 1_000_000L + random.nextInt(1_000_000),
                    ChronoUnit.MICROS).plus(random.nextInt(10) == 0 ? 2 : 0, ChronoUnit.HOURS);
            out.add(new NewArticle(prefix + random.nextInt(size * 2), null, "https://example.org/" + i, title(random),
                    "summary " + title(random), "", null, at, now, List.of()));
        }
        return out;
    }

    private static String title(Random random) {
        StringBuilder title = new StringBuilder();
        for (int w = 0, n = 2 + random.nextInt(6); w < n; w++) {
            title.append(w == 0 ? "" : " ").append(WORDS[Math.min(WORDS.length - 1,
                    (int) (WORDS.length * Math.pow(random.nextDouble(), 2)))]);
        }
        return title.toString();
    }

    @Test
    void aggregatesEqualARecountAfterInsertsUpdatesAndADeletedSource() {
        Random random = new Random(13);
        Instant now = Instant.now();
        List<Long> sources = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            sources.add(DB.core().sources().create("https://example.org/" + s + ".xml", "Source " + s, null).id());
        }
        for (int round = 0; round < 6; round++) {
            for (long source : sources) {
                // Each round reuses keys of the rounds before, so part of every batch updates stored articles.
                DB.core().articles().upsert(source, batch(random, "k", 40, now));
            }
        }
        assertThat(DB.core().articles().count()).isGreaterThan(200);
        assertAggregatesMatchRecount();

        // Now that trending windows are kept, more inserts, updates and late articles must reach them too.
        for (long source : sources) {
            DB.core().articles().upsert(source, batch(random, "k", 40, now));
        }
        assertAggregatesMatchRecount();

        assertThat(DB.core().sources().delete(sources.get(1))).isTrue();

        assertAggregatesMatchRecount();
    }

    /** Keeps each window length's two windows as of 3 hours ago, for trending to roll forward. */
    private static final String KEEP_EARLIER = """
            SELECT newsagg_trending_window(date_trunc('hour', now(), 'UTC') - make_interval(hours => 3 + :hours),
                                           date_trunc('hour', now(), 'UTC') - make_interval(hours => 3)) AS recent,
                   newsagg_trending_window(date_trunc('hour', now(), 'UTC') - make_interval(hours => 3 + 2 * :hours),
                                           date_trunc('hour', now(), 'UTC') - make_interval(hours => 3 + :hours))
                   AS before""";

    private static final String KEEP_ONE_HOUR = """
            SELECT newsagg_trending_window(date_trunc('hour', now(), 'UTC') - make_interval(hours => :ago + 1),
                                           date_trunc('hour', now(), 'UTC') - make_interval(hours => :ago))""";

    private static int keptWindows() {
        return DB.core().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM trending_windows")
                .mapTo(Integer.class).one());
    }

    @Test
    void trendingEqualsARecountFromRolledWindowsAndBeyondTheKeptLimit() {
        Random random = new Random(17);
        Instant now = Instant.now();
        long source = DB.core().sources().create("https://example.org/roll.xml", "Roll", null).id();
        DB.core().articles().upsert(source, batch(random, "r", 300, now));
        for (int hours : new int[] {1, 2, 5, 24, 49, 168}) {
            DB.core().jdbi().useHandle(h -> h.createQuery(KEEP_EARLIER).bind("hours", hours).mapToMap().one());
        }
        assertAggregatesMatchRecount();
        DB.core().articles().upsert(source, batch(random, "r", 300, now));
        assertAggregatesMatchRecount();

        for (int ago = 1_000; keptWindows() < 32; ago++) {
            int hoursAgo = ago;
            DB.core().jdbi().useHandle(h -> h.createQuery(KEEP_ONE_HOUR).bind("ago", hoursAgo)
                    .mapTo(Boolean.class).one());
        }
        for (int hours : new int[] {3, 7, 30}) {
            assertTrendingMatchesRecount(hours);
        }
        assertThat(keptWindows()).isEqualTo(32);
        assertAggregatesMatchRecount();
    }

    /** Window ends cut before and past the half hour of past hours, and at now (migration V7's two sides). */
    private static final String[] CUTS = {
            "date_trunc('hour', now(), 'UTC') - interval '3 hours' + interval '10 minutes'",
            "date_trunc('hour', now(), 'UTC') - interval '3 hours' + interval '50 minutes 7 seconds'",
            "date_trunc('hour', now(), 'UTC') - interval '1 hour' + interval '10 minutes'",
            "date_trunc('hour', now(), 'UTC') - interval '1 hour' + interval '50 minutes 7 seconds'",
            "now() + interval '1 microsecond'"};

    /** The kept counts of [lo, hi) that differ from a recount of its articles, in either direction. */
    private static List<String> keptDifferences(Handle h, String lo, String hi) {
        assertThat(h.createQuery("SELECT newsagg_trending_window(date_trunc('hour', " + lo + ", 'UTC'), "
                + "date_trunc('hour', " + hi + ", 'UTC'))").mapTo(Boolean.class).one()).isTrue();
        String[][] checks = {
                {"SELECT term, articles FROM newsagg_term_counts_kept(" + lo + ", " + hi + ")",
                 "SELECT term, count(*) FROM (" + TERMS + ") t WHERE t.published_at >= " + lo
                         + " AND t.published_at < " + hi + " GROUP BY 1"},
                {"SELECT source_id, articles FROM newsagg_source_counts_kept(" + lo + ", " + hi + ")",
                 "SELECT source_id, count(*) FROM articles WHERE published_at >= " + lo + " AND published_at < " + hi
                         + " GROUP BY 1"},
        };
        List<String> out = new ArrayList<>();
        for (String[] check : checks) {
            out.addAll(h.createQuery("(" + check[0] + " EXCEPT " + check[1] + ") UNION ALL (" + check[1] + " EXCEPT "
                    + check[0] + ")").map((rs, ctx) -> lo + " .. " + hi + ": " + rs.getString(1) + " "
                    + rs.getString(2)).list());
        }
        return out;
    }

    @Test
    void keptWindowsCountPartialHoursFromEitherSideExactly() {
        Random random = new Random(23);
        Instant now = Instant.now();
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        long source = DB.core().sources().create("https://example.org/cut.xml", "Cut", null).id();
        long other = DB.core().sources().create("https://example.org/cut2.xml", "Cut 2", null).id();
        List<NewArticle> articles = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // Four hours back to the end of the current hour: past articles, this hour's, and some dated ahead.
            Instant at = hour.minus(4, ChronoUnit.HOURS).plus(random.nextInt(5 * 3600 * 1000), ChronoUnit.MILLIS);
            articles.add(new NewArticle("c" + i, null, "https://example.org/c" + i, title(random),
                    "summary " + title(random), "", null, at, now, List.of()));
        }
        articles.add(new NewArticle("ahead", null, "https://example.org/ahead", "election ahead", "", "", null,
                hour.plus(59, ChronoUnit.MINUTES), now, List.of()));
        DB.core().articles().upsert(source, articles.subList(0, 250));
        DB.core().articles().upsert(other, articles.subList(250, articles.size()));

        List<String> differences = new ArrayList<>();
        for (int lo = 0; lo < CUTS.length; lo++) {
            for (int hi = lo + 1; hi < CUTS.length; hi++) {
                String from = CUTS[lo];
                String to = CUTS[hi];
                differences.addAll(DB.core().jdbi().inTransaction(h -> keptDifferences(h, from, to)));
            }
        }
        assertThat(differences).isEmpty();
        int counted = DB.core().jdbi().inTransaction(h -> h.createQuery(
                "SELECT count(*) FROM newsagg_term_counts_kept(" + CUTS[1] + ", " + CUTS[4] + ")")
                .mapTo(Integer.class).one());
        assertThat(counted).as("the windows count something").isPositive();
        assertAggregatesMatchRecount();
    }

    @Test
    void aggregatesEqualARecountAfterACorpusLoadOnOneConnection() {
        CorpusSpec spec = new CorpusSpec(5, 2_000, 9, 10, Instant.now().truncatedTo(ChronoUnit.SECONDS));

        new CorpusLoader(DB.dataSource(), 1_000, 1).load(spec, true, ProgressListener.none());

        assertThat(DB.core().articles().count()).isEqualTo(2_000);
        assertAggregatesMatchRecount();
    }

    @Test
    void aggregatesEqualARecountAfterACorpusLoadAndAfterARebuild() {
        long before = DB.core().sources().create("https://example.org/old.xml", "Old", null).id();
        DB.core().articles().upsert(before, batch(new Random(1), "old", 50, Instant.now()));
        CorpusSpec spec = new CorpusSpec(7, 3_000, 5, 10, Instant.now().truncatedTo(ChronoUnit.SECONDS));

        new CorpusLoader(DB.dataSource(), 1_000, 2)
                .load(spec, true, ProgressListener.none());

        assertThat(DB.core().articles().count()).isEqualTo(3_000);
        assertAggregatesMatchRecount();
        long source = DB.core().sources().list().get(0).id();
        DB.core().articles().upsert(source, batch(new Random(2), "after", 30, Instant.now()));
        assertAggregatesMatchRecount();

        DB.core().jdbi().useHandle(h -> h.execute("UPDATE term_hours SET articles = articles + 5"));
        new Aggregates(DB.core().jdbi()).rebuild();
        assertAggregatesMatchRecount();
    }

    /**
     * A rebuild writes the hour aggregates in key order even when PostgreSQL groups by hashing, as it does on a real
     * corpus: trending reads one hour's rows at each cut of its windows, and rows in hash order put each hour on
     * thousands of pages (migration V9). Sorting is switched off in the session so that the grouping hashes here too.
     */
    @Test
    void aRebuildWritesTheHourAggregatesInKeyOrder() {
        CorpusSpec spec = new CorpusSpec(11, 3_000, 5, 10, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        new CorpusLoader(DB.dataSource(), 1_000, 2).load(spec, true, ProgressListener.none());

        DB.core().jdbi().useTransaction(h -> {
            h.execute("SET LOCAL enable_sort = off");
            h.createQuery("SELECT newsagg_rebuild_aggregates()::text").mapTo(String.class).one();
        });

        for (String[] table : new String[][] {{"term_hours", "term"}, {"source_hours", "source_id"}}) {
            String outOfOrder = """
                    SELECT count(*) FROM (
                        SELECT hour, %2$s AS k, lag(hour) OVER w AS previous_hour, lag(%2$s) OVER w AS previous_k
                        FROM %1$s WINDOW w AS (ORDER BY ctid)) rows
                    WHERE (previous_hour, previous_k) > (hour, k)""".formatted(table[0], table[1]);
            long rows = DB.core().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table[0])
                    .mapTo(Long.class).one());
            assertThat(rows).as(table[0]).isGreaterThan(1_000);
            long misplaced = DB.core().jdbi().withHandle(h -> h.createQuery(outOfOrder).mapTo(Long.class).one());
            assertThat(misplaced).as("rows of %s stored before a row with a smaller key", table[0]).isZero();
        }
        assertAggregatesMatchRecount();
    }
}
