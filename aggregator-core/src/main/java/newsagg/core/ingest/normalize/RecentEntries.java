package newsagg.core.ingest.normalize;

import java.net.URI;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;

/**
 * Entries of recently fetched feeds as they were normalized, so that a feed fetched again, which mostly lists the
 * items it listed the time before, is not sanitized and read again item by item: for a 50-item feed that gained one
 * item, that was a third of the time of its parse and normalization (docs/PERFORMANCE.md, sixth round). The key is
 * everything an entry's normalization reads but the fetch time: the entry as parsed, the feed's URL and its site. So
 * a hit is what normalizing the entry again would give, except for the fetch time and what depends on it, which the
 * caller sets ({@link Normalizer}). Holds at most {@link #MAX_CHARS} characters of raw and normalized text, the least
 * recently used going first, and never an entry of more than a sixteenth of that. Thread-safe.
 */
final class RecentEntries {

    /** About 16 MB of text at most, whatever the feeds. */
    static final long MAX_CHARS = 8L << 20;

    /** What an entry's normalization depends on, but for the fetch time. */
    record Key(RawEntry entry, URI feedUrl, URI site) {
    }

    /**
     * An entry as normalized at some fetch time, and its publication time as the feed gives it (null when the feed
     * gives none that is usable), from which the one at another fetch time follows.
     */
    record Normalized(NewArticle article, Instant feedDate) {
    }

    private record Held(Normalized normalized, long chars) {
    }

    private final LinkedHashMap<Key, Held> held = new LinkedHashMap<>(64, 0.75f, true);
    private long chars;

    /** The entry as it was normalized, or null when it is not held. */
    synchronized Normalized get(Key key) {
        Held known = held.get(key);
        return known == null ? null : known.normalized();
    }

    synchronized void put(Key key, Normalized normalized) {
        long size = chars(key.entry()) + chars(normalized.article());
        if (size > MAX_CHARS / 16) {
            return;
        }
        Held replaced = held.put(key, new Held(normalized, size));
        chars += size - (replaced == null ? 0 : replaced.chars());
        Iterator<Held> oldestFirst = held.values().iterator();
        while (chars > MAX_CHARS && oldestFirst.hasNext()) {
            chars -= oldestFirst.next().chars();
            oldestFirst.remove();
        }
    }

    /** Characters held: for tests and the bound. */
    synchronized long chars() {
        return chars;
    }

    private static long chars(RawEntry e) {
        return length(e.id()) + length(e.link()) + length(e.xmlBases()) + length(e.title()) + length(e.summaryHtml())
                + length(e.contentHtml()) + length(e.authors()) + length(e.categories()) + length(e.dateText())
                + length(e.linkBase()) + length(e.contentBase());
    }

    private static long chars(NewArticle a) {
        return length(a.dedupeKey()) + length(a.guid()) + length(a.url()) + length(a.title()) + length(a.summary())
                + length(a.contentHtml()) + length(a.author()) + length(a.categories());
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    private static long length(List<String> list) {
        long n = 0;
        for (String s : list) {
            n += length(s);
        }
        return n;
    }
}
