package newsagg.core.query;

import java.util.List;

/**
 * What is being written about: the most frequent terms and the most active sources in a recent window.
 *
 * @param windowHours the window, in hours back from now
 * @param terms       most frequent first
 * @param sources     most articles first
 */
public record Trending(int windowHours, List<TermCount> terms, List<SourceCount> sources) {
    public Trending {
        terms = List.copyOf(terms);
        sources = List.copyOf(sources);
    }

    /** A term and the number of articles in the window that use it. */
    public record TermCount(String term, long count) {
    }

    /** A source and the number of articles it published in the window. */
    public record SourceCount(long sourceId, String title, long count) {
    }
}
