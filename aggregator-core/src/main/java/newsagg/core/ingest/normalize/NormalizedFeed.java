package newsagg.core.ingest.normalize;

import java.util.List;
import java.util.Objects;
import newsagg.core.domain.DroppedItems;
import newsagg.core.domain.NewArticle;

/**
 * A feed after normalization: its own title and site link, when it gives them, its articles ready for the store, and
 * the items that were not turned into articles, by reason.
 *
 * @param title    the feed's title as plain text, null when absent or blank
 * @param siteUrl  the feed's home page, resolved to an absolute http(s) URL, null when absent or unusable
 * @param articles normalized articles in feed order, one per dedupe key
 * @param dropped  items past the parse budget or that could not be normalized
 */
public record NormalizedFeed(String title, String siteUrl, List<NewArticle> articles, DroppedItems dropped) {
    public NormalizedFeed {
        articles = List.copyOf(articles);
        Objects.requireNonNull(dropped, "dropped");
    }
}
