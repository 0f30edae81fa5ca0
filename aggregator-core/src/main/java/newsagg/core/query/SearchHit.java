package newsagg.core.query;

import java.time.Instant;
import java.util.List;

/**
 * A search result: the article as listings show it, its rank (higher is better) and a snippet with the
 * matched words wrapped in {@code <mark>}; the snippet is otherwise plain text, HTML-escaped.
 */
public record SearchHit(long id, long sourceId, String sourceTitle, String title, String url, String summary,
                        String author, Instant publishedAt, List<String> categories, double rank, String snippet) {
    public SearchHit {
        categories = List.copyOf(categories);
    }
}
