package newsagg.core.query;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.ArticleItem;
import newsagg.core.query.NewsQueries.InvalidCursorException;
import newsagg.core.query.NewsQueries.Page;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NewestQueryIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    private static final Instant T0 = Instant.parse("2024-03-01T12:00:00.123456Z");

    private static ExecutorService other;

    @BeforeAll
    static void open() {
        other = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void close() {
        other.shutdownNow();
    }

    @Test
    void pagingWalksEveryArticleOnceNewestFirst() {
        long a = source("a");
        long b = source("b");
        List<Long> expected = newestFirst(insertSpread(a, "a", 31), insertSpread(b, "b", 26));

        List<Long> walked = walk(ArticleFilter.ALL, 10);

        assertThat(walked).containsExactlyElementsOf(expected).hasSize(57).doesNotHaveDuplicates();
    }

    @Test
    void pagingHasNoGapsOrRepeatsWhileAnotherThreadInsertsNewerArticles() throws Exception {
        long a = source("a");
        List<Long> expected = newestFirst(insertSpread(a, "a", 40));
        AtomicInteger fresh = new AtomicInteger();

        List<Long> walked = new ArrayList<>();
        String cursor = null;
        do {
            Page<ArticleItem> page = DB.core().queries().newest(ArticleFilter.ALL, 7, cursor);
            page.items().forEach(item -> walked.add(item.id()));
            cursor = page.nextCursor();
            // Between pages, another connection on another thread commits articles newer than everything.
            other.submit(() -> {
                int n = fresh.incrementAndGet();
                return DB.core().articles().upsert(a, List.of(article("fresh-" + n, T0.plus(n, ChronoUnit.DAYS))));
            }).get(10, TimeUnit.SECONDS);
        } while (cursor != null);

        assertThat(fresh.get()).isGreaterThan(5);
        assertThat(walked).containsExactlyElementsOf(expected);
    }

    @Test
    void equalPublicationTimesAreOrderedByIdDescendingAcrossPages() {
        long a = source("a");
        List<NewArticle> tied = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tied.add(article("tie-" + i, T0));
        }
        DB.core().articles().upsert(a, tied);
        List<Long> ids = idsByKey().values().stream().sorted(Comparator.reverseOrder()).toList();

        assertThat(walk(ArticleFilter.ALL, 3)).containsExactlyElementsOf(ids);
    }

    @Test
    void oneSourceFilterReturnsOnlyThatSource() {
        long a = source("a");
        long b = source("b");
        List<Long> expectedA = newestFirst(insertSpread(a, "a", 12));
        insertSpread(b, "b", 12);

        assertThat(walk(new ArticleFilter(List.of(a), null, null), 5)).containsExactlyElementsOf(expectedA);
    }

    @Test
    void severalSourcesFilterReturnsTheirUnionNewestFirst() {
        long a = source("a");
        long b = source("b");
        long c = source("c");
        Map<String, Instant> inA = insertSpread(a, "a", 9);
        Map<String, Instant> inC = insertSpread(c, "c", 8);
        insertSpread(b, "b", 10);

        assertThat(walk(new ArticleFilter(List.of(a, c), null, null), 4))
                .containsExactlyElementsOf(newestFirst(inA, inC));
    }

    @Test
    void severalSourcesFilterCombinesWithTimeBoundsAndIgnoresRepeatedIds() {
        long a = source("a");
        long b = source("b");
        Map<String, Instant> inA = insertSpread(a, "a", 10);
        Map<String, Instant> inB = insertSpread(b, "b", 10);
        Instant since = T0.minus(6, ChronoUnit.HOURS);
        Instant until = T0.minus(1, ChronoUnit.HOURS);
        inA.values().removeIf(at -> at.isBefore(since) || !at.isBefore(until));
        inB.values().removeIf(at -> at.isBefore(since) || !at.isBefore(until));

        assertThat(walk(new ArticleFilter(List.of(a, b, a), since, until), 3))
                .containsExactlyElementsOf(newestFirst(inA, inB));
    }

    @Test
    void sinceIsInclusiveAndUntilIsExclusive() {
        long a = source("a");
        List<NewArticle> hourly = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hourly.add(article("h" + i, T0.minus(i, ChronoUnit.HOURS)));
        }
        DB.core().articles().upsert(a, hourly);
        Instant since = T0.minus(7, ChronoUnit.HOURS);
        Instant until = T0.minus(2, ChronoUnit.HOURS);

        List<ArticleItem> items = DB.core().queries().newest(new ArticleFilter(List.of(), since, until), 50, null).items();

        assertThat(items).extracting(ArticleItem::publishedAt)
                .containsExactly(T0.minus(3, ChronoUnit.HOURS), T0.minus(4, ChronoUnit.HOURS),
                        T0.minus(5, ChronoUnit.HOURS), T0.minus(6, ChronoUnit.HOURS), since);
    }

    @Test
    void itemsCarryTheSourceTitleAndArticleFields() {
        long a = source("a");
        DB.core().articles().upsert(a, List.of(new NewArticle("k", "g", "https://example.org/k", "Title", "Summary",
                "<p>x</p>", "Ann", T0, T0, List.of("world", "politics"))));

        ArticleItem item = DB.core().queries().newest(ArticleFilter.ALL, 10, null).items().get(0);

        assertThat(item).isEqualTo(new ArticleItem(item.id(), a, "Source a", "Title", "https://example.org/k",
                "Summary", "Ann", T0, List.of("world", "politics")));
    }

    @Test
    void lastPageHasNoCursorAndEmptyListingHasOnePage() {
        assertThat(DB.core().queries().newest(ArticleFilter.ALL, 10, null)).isEqualTo(new Page<>(List.of(), null));
        long a = source("a");
        insertSpread(a, "a", 10);

        Page<ArticleItem> exact = DB.core().queries().newest(ArticleFilter.ALL, 10, null);

        assertThat(exact.items()).hasSize(10);
        assertThat(exact.nextCursor()).isNull();
    }

    @Test
    void malformedCursorIsRejected() {
        assertThatThrownBy(() -> DB.core().queries().newest(ArticleFilter.ALL, 10, "garbage"))
                .isInstanceOf(InvalidCursorException.class);
    }

    @Test
    void searchCursorIsRejectedByTheNewestListing() {
        long a = source("a");
        for (int i = 0; i < 3; i++) {
            DB.core().articles().upsert(a, List.of(article("k" + i, "Volcano erupts " + i, "", T0)));
        }
        String searchCursor = DB.core().queries().search("volcano", 1, null).nextCursor();
        assertThat(searchCursor).isNotNull();

        assertThatThrownBy(() -> DB.core().queries().newest(ArticleFilter.ALL, 10, searchCursor))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("another listing");
    }

    @Test
    void limitOutsideTheAllowedRangeIsRejected() {
        assertThatThrownBy(() -> DB.core().queries().newest(ArticleFilter.ALL, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> DB.core().queries().newest(ArticleFilter.ALL, JdbiNewsQueries.MAX_LIMIT + 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }

    private static long source(String name) {
        return DB.core().sources().create("https://example.org/" + name + ".xml", "Source " + name, null).id();
    }

    /** Inserts n articles one hour apart going back from T0, with every third one tied with its neighbour. */
    private static Map<String, Instant> insertSpread(long sourceId, String prefix, int n) {
        Map<String, Instant> published = new HashMap<>();
        List<NewArticle> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int hoursBack = i - (i % 3 == 2 ? 1 : 0);
            Instant at = T0.minus(hoursBack, ChronoUnit.HOURS);
            String key = prefix + "-" + i;
            published.put(key, at);
            batch.add(article(key, at));
        }
        DB.core().articles().upsert(sourceId, batch);
        return published;
    }

    @SafeVarargs
    private static List<Long> newestFirst(Map<String, Instant>... sets) {
        Map<String, Long> ids = idsByKey();
        record Row(long id, Instant at) {
        }
        List<Row> rows = new ArrayList<>();
        for (Map<String, Instant> set : sets) {
            set.forEach((key, at) -> rows.add(new Row(ids.get(key), at)));
        }
        rows.sort(Comparator.comparing(Row::at).thenComparingLong(Row::id).reversed());
        return rows.stream().map(Row::id).toList();
    }

    private static Map<String, Long> idsByKey() {
        Map<String, Long> ids = new HashMap<>();
        DB.core().jdbi().useHandle(h -> h.createQuery("SELECT dedupe_key, id FROM articles")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> ids.put(e.getKey(), e.getValue())));
        return ids;
    }

    private static List<Long> walk(ArticleFilter filter, int pageSize) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        do {
            Page<ArticleItem> page = DB.core().queries().newest(filter, pageSize, cursor);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(pageSize);
            page.items().forEach(item -> ids.add(item.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return ids;
    }
}
