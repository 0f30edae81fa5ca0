package newsagg.core.query;

import java.time.Instant;
import java.util.List;

/** One article in full, with its sanitized HTML content. */
public record ArticleDetail(long id, long sourceId, String sourceTitle, String title, String url, String summary,
                            String author, Instant publishedAt, List<String> categories, String contentHtml) {
    public ArticleDetail {
        categories = List.copyOf(categories);
    }
}
