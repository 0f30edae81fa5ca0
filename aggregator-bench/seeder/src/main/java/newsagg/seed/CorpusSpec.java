package newsagg.seed;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What synthetic corpus to generate: how many sources and articles, the random seed, and the time window
 * ({@code days} days ending at {@code now}). The same spec always yields the same corpus, byte for byte; pin
 * {@code now} (it defaults to the current hour) to reproduce a corpus later.
 *
 * @param sources  number of sources, 1 to {@value #MAX_SOURCES}
 * @param articles number of articles, 0 to {@value #MAX_ARTICLES}
 * @param seed     random seed; any value
 * @param days     length of the publication window in days, 1 to {@value #MAX_DAYS}
 * @param now      end of the window: no article is published or fetched after it
 */
public record CorpusSpec(int sources, int articles, long seed, int days, Instant now) {

    public static final int DEFAULT_SOURCES = 300;
    public static final int DEFAULT_ARTICLES = 1_000_000;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_SOURCES = 100_000;
    public static final int MAX_ARTICLES = 100_000_000;
    public static final int MAX_DAYS = 3_650;

    public CorpusSpec {
        Objects.requireNonNull(now, "now must not be null");
        if (sources < 1 || sources > MAX_SOURCES) {
            throw new IllegalArgumentException("sources must be between 1 and " + MAX_SOURCES + ", got " + sources);
        }
        if (articles < 0 || articles > MAX_ARTICLES) {
            throw new IllegalArgumentException("articles must be between 0 and " + MAX_ARTICLES + ", got " + articles);
        }
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be between 1 and " + MAX_DAYS + ", got " + days);
        }
        if (now.isBefore(Instant.EPOCH.plus(MAX_DAYS, ChronoUnit.DAYS))) {
            throw new IllegalArgumentException("now must be after 1980, got " + now);
        }
    }

    /** 300 sources, 1,000,000 articles, seed 42, 30 days ending at the start of the current hour. */
    public static CorpusSpec defaults() {
        return new CorpusSpec(DEFAULT_SOURCES, DEFAULT_ARTICLES, DEFAULT_SEED, DEFAULT_DAYS,
                Instant.now().truncatedTo(ChronoUnit.HOURS));
    }

    public CorpusSpec withSources(int sources) {
        return new CorpusSpec(sources, articles, seed, days, now);
    }

    public CorpusSpec withArticles(int articles) {
        return new CorpusSpec(sources, articles, seed, days, now);
    }

    public CorpusSpec withSeed(long seed) {
        return new CorpusSpec(sources, articles, seed, days, now);
    }

    public CorpusSpec withDays(int days) {
        return new CorpusSpec(sources, articles, seed, days, now);
    }

    public CorpusSpec withNow(Instant now) {
        return new CorpusSpec(sources, articles, seed, days, now);
    }

    /** The start of the window, {@code days} days before {@code now}. */
    public Instant windowStart() {
        return now.minus(days, ChronoUnit.DAYS);
    }
}
