package newsagg.core.ingest.normalize;

import java.util.List;
import newsagg.core.domain.NewArticle;

/**
 * A feed after normalization: its own title and site link, when it gives them, and its articles ready for the store.
 *
 * @param title    the feed's title as plain text, null when absent or blank
 * @param siteUrl  the feed's home page, resolved to an absolute http(s) URL, null when absent or unusable
 * @param articles normalized articles in feed order, one per dedupe key
 */
public record NormalizedFeed(String title, String siteUrl, List<NewArticle> articles) {
    public NormalizedFeed {
        articles = List.copyOf(articles);
    }
}
