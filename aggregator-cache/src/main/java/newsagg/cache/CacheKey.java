package newsagg.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The canonical identity of one cached response: the cache's name plus named parameters, built with
 * {@link #of(String)}. Parameters are sorted by name, whitespace in values is trimmed and collapsed, and
 * every value that is long or holds a character outside {@code [A-Za-z0-9._-]} is replaced by its SHA-256
 * (base64url, prefixed {@code h.}), so user input can neither inject into a Redis key nor make it large.
 * The generation is not part of this value: {@link Cached} adds it when it renders the Redis key
 * {@code <namespace>:v2:<cache>:<generation>:<parts>} (see {@code docs/CACHE.md}).
 */
public final class CacheKey {

    /** Bumped whenever the stored format or the key scheme changes, so old entries are never read. */
    public static final String FORMAT_VERSION = "v2";

    /** The longest value that is kept as it is; anything longer is hashed. */
    public static final int MAX_PLAIN_LENGTH = 64;

    static final String NULL_VALUE = "-";
    static final String HASH_PREFIX = "h.";
    private static final String NO_PARTS = "-";
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final String cache;
    private final String parts;

    private CacheKey(String cache, String parts) {
        this.cache = cache;
        this.parts = parts;
    }

    /** Starts a key for the cache named {@code cache} (lower case letters, digits, {@code _} and {@code -}). */
    public static Builder of(String cache) {
        return new Builder(requireIdentifier("cache name", cache));
    }

    public String cache() {
        return cache;
    }

    /** The canonical parameters, {@code name=value} joined by {@code &} in name order, or {@code -} for none. */
    public String parts() {
        return parts;
    }

    /** The Redis key of this entry in {@code namespace} at {@code generation}. */
    public String render(String namespace, long generation) {
        return namespace + ':' + FORMAT_VERSION + ':' + cache + ':' + generation + ':' + parts;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheKey key && key.cache.equals(cache) && key.parts.equals(parts);
    }

    @Override
    public int hashCode() {
        return cache.hashCode() * 31 + parts.hashCode();
    }

    @Override
    public String toString() {
        return cache + ':' + parts;
    }

    static String requireIdentifier(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + IDENTIFIER.pattern() + ", was '" + value + "'");
        }
        return value;
    }

    /** Collects the parameters of one key; a name may be given once. Not thread-safe; build one per request. */
    public static final class Builder {

        private final String cache;
        private final Map<String, String> parts = new TreeMap<>();

        private Builder(String cache) {
            this.cache = cache;
        }

        /**
         * Adds a parameter whose value is compared exactly (after trimming and collapsing whitespace).
         * {@code null} is kept as {@code -}; numbers, booleans and enums as their plain text.
         */
        public Builder with(String name, Object value) {
            if (value instanceof Collection<?>) {
                throw new IllegalArgumentException("parameter '" + name + "' is a collection: use withAll");
            }
            return put(name, value == null ? NULL_VALUE : plainOrHash(canonical(text(value), false)));
        }

        /** Adds a parameter whose value is matched case-insensitively, so it is lower-cased (Locale.ROOT). */
        public Builder withCaseInsensitive(String name, String value) {
            return put(name, value == null ? NULL_VALUE : plainOrHash(canonical(value, true)));
        }

        /**
         * Adds a multi-valued parameter whose order and repetitions do not matter (a set): values are
         * canonicalized, deduplicated and sorted, then joined by {@code ,}; the whole list is hashed when
         * any value is unsafe or the list is long. A {@code null} collection is kept as {@code -}.
         */
        public Builder withAll(String name, Collection<?> values) {
            if (values == null) {
                return put(name, NULL_VALUE);
            }
            TreeSet<String> sorted = new TreeSet<>();
            for (Object value : values) {
                if (value == null) {
                    throw new IllegalArgumentException("parameter '" + name + "' holds a null value");
                }
                sorted.add(canonical(text(value), false));
            }
            boolean plain = true;
            StringBuilder joined = new StringBuilder();
            StringBuilder hashInput = new StringBuilder();
            for (String value : sorted) {
                plain &= isPlain(value);
                if (joined.length() > 0) {
                    joined.append(',');
                }
                joined.append(value);
                // Length-prefixed, so no choice of values can make two different lists hash alike.
                hashInput.append(value.length()).append(':').append(value);
            }
            if (plain && joined.length() <= MAX_PLAIN_LENGTH) {
                return put(name, joined.toString());
            }
            return put(name, hash(hashInput.toString()));
        }

        public CacheKey build() {
            if (parts.isEmpty()) {
                return new CacheKey(cache, NO_PARTS);
            }
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, String> part : parts.entrySet()) {
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(part.getKey()).append('=').append(part.getValue());
            }
            return new CacheKey(cache, out.toString());
        }

        private Builder put(String name, String value) {
            Objects.requireNonNull(name, "parameter name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("parameter name must match " + NAME.pattern() + ", was '" + name + "'");
            }
            if (parts.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' given twice");
            }
            return this;
        }
    }

    private static String text(Object value) {
        return value instanceof Enum<?> e ? e.name() : value.toString();
    }

    /** Trims, collapses every run of whitespace to one space and, when asked, lower-cases. */
    static String canonical(String value, boolean foldCase) {
        StringBuilder out = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = out.length() > 0;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
        String collapsed = out.toString();
        return foldCase ? collapsed.toLowerCase(Locale.ROOT) : collapsed;
    }

    /**
     * A value stays as it is only when it is short, safe, and cannot be mistaken for a null ({@code -})
     * or for a hash ({@code h.}); everything else is hashed.
     */
    static boolean isPlain(String value) {
        return value.length() <= MAX_PLAIN_LENGTH
                && !value.equals(NULL_VALUE)
                && !value.startsWith(HASH_PREFIX)
                && SAFE_VALUE.matcher(value).matches();
    }

    private static String plainOrHash(String canonical) {
        return isPlain(canonical) ? canonical : hash(canonical);
    }

    static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HASH_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
