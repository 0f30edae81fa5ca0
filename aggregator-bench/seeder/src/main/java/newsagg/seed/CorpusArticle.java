package newsagg.seed;

import java.util.Objects;

import newsagg.core.domain.NewArticle;

/**
 * One generated article: which source published it and the article itself.
 *
 * @param number       1-based position in the corpus; articles come roughly in publication order, and a fresh load
 *                     gives each article this number as its database id
 * @param sourceNumber the {@link CorpusSource#number()} of its source
 * @param article      the article, as ingestion would store it
 */
public record CorpusArticle(long number, int sourceNumber, NewArticle article) {
    public CorpusArticle {
        Objects.requireNonNull(article, "article");
    }
}
