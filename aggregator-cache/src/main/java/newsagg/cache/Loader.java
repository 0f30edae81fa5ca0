package newsagg.cache;

/**
 * Computes a value on a cache miss, typically by running the query behind an endpoint. It is called at
 * most once per key at a time in a process; whatever it throws reaches every caller waiting for that
 * load and is never cached. It must not return {@code null}: an empty result is a value (for example an
 * empty list), which the cache may keep for a shorter time.
 */
@FunctionalInterface
public interface Loader<T> {

    T load();
}
