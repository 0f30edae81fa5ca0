package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import newsagg.core.query.NewsQueries.ChangeMark;
import newsagg.core.query.NewsQueries.SearchHit;
import newsagg.core.query.NewsQueries.SearchSnapshot;
import org.junit.jupiter.api.Test;

/** Reading a stored search snapshot's maxId without parsing its hits ({@link ResponseCaches#maxId}). */
class StoredSnapshotTest {

    private final Json json = new Json();

    private static SearchSnapshot snapshot(long maxId) {
        SearchHit hit = new SearchHit(7, 2, "Source", "Storm \"max_id\": 1 warning", "https://example.org/7",
                "{\"max_id\": 3}", null, Instant.parse("2026-12-01T10:00:00Z"), List.of("weather"), 0.5, "storm");
        return new SearchSnapshot("storm", 20, null, new ChangeMark(11, 12), maxId,
                List.of(new SearchSnapshot.RankedHit(0.5f, hit)), true, 1, hit.publishedAt(), hit.id());
    }

    @Test
    void readsTheMaxIdOfWhatTheServerStores() {
        for (long maxId : new long[] {0, 1, 1_130_897, Long.MAX_VALUE - 1}) {
            assertThat(ResponseCaches.maxId(json, json.bytes(snapshot(maxId)))).isEqualTo(maxId);
        }
    }

    @Test
    void findsTheFieldWhereverItIsAndIgnoresLookalikesInside() {
        String moved = "{\"query\":\"q\",\"hits\":[{\"max_id\":5,\"hit\":{\"title\":\"max_id\"}}],"
                + "\"mark\":{\"max_id\":6},\"max_id\":42}";
        assertThat(ResponseCaches.maxId(json, moved.getBytes(StandardCharsets.UTF_8))).isEqualTo(42);
    }

    @Test
    void aSnapshotWithoutItCountsAsHoldingEveryArticle() {
        // Long.MAX_VALUE makes every changed article look like an update of one the answer holds: a merge, never a
        // wrong "unchanged".
        assertThat(ResponseCaches.maxId(json, "{\"query\":\"q\",\"hits\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(ResponseCaches.maxId(json, "{\"max_id\":\"12\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(ResponseCaches.maxId(json, "[]".getBytes(StandardCharsets.UTF_8))).isEqualTo(Long.MAX_VALUE);
    }
}
