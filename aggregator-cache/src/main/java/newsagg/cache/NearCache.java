package newsagg.cache;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small in-process map in front of Redis, keyed by the full Redis key. Because that key embeds the
 * generation, an invalidation makes near entries unreachable as soon as this process sees the new
 * generation; the short TTL bounds how long a value can outlive its Redis entry otherwise. When full it
 * drops expired entries first and then arbitrary ones: it is meant to hold a few hot keys, not to be LRU.
 */
final class NearCache<T> {

    private record Entry<T>(T value, long expiresAt) {
    }

    private final ConcurrentHashMap<String, Entry<T>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final Ticker ticker;

    NearCache(long ttlNanos, int maxEntries, Ticker ticker) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.ticker = ticker;
    }

    T get(String key) {
        Entry<T> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (ticker.read() - entry.expiresAt >= 0) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value;
    }

    void put(String key, T value) {
        long now = ticker.read();
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            makeRoom(now);
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
    }

    int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        entries.values().removeIf(entry -> now - entry.expiresAt >= 0);
        Iterator<String> keys = entries.keySet().iterator();
        while (entries.size() >= maxEntries && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
