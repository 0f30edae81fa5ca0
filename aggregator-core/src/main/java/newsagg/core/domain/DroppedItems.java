package newsagg.core.domain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How many items of one fetch were not stored, by reason. A feed is never lost to one bad item: the items that can be
 * stored are, and the others are counted here, recorded on the source and shown by {@code /api/sources/{id}}.
 *
 * @param counts items dropped per reason; reasons with no drop are absent
 */
public record DroppedItems(Map<Reason, Integer> counts) {

    /** No item dropped. */
    public static final DroppedItems NONE = new DroppedItems(Map.of());

    /** Why an item was not stored. */
    public enum Reason {
        /** Past the per-feed item limit: counted, never parsed. */
        ITEM_LIMIT,
        /** Past the per-feed size budget: counted, never parsed. */
        SIZE_LIMIT,
        /** The item could not be turned into an article (its normalization failed). */
        UNREADABLE,
        /** The database refused the item even after validation; the rest of the batch was stored. */
        REFUSED_BY_DATABASE;

        /** The name used on the wire and in metrics: {@code item_limit}, {@code size_limit}, ... */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The reason with this wire name, or null. */
        public static Reason fromWireName(String name) {
            for (Reason r : values()) {
                if (r.wireName().equals(name)) {
                    return r;
                }
            }
            return null;
        }
    }

    public DroppedItems {
        Objects.requireNonNull(counts, "counts");
        EnumMap<Reason, Integer> copy = new EnumMap<>(Reason.class);
        counts.forEach((reason, n) -> {
            if (n < 0) {
                throw new IllegalArgumentException("a dropped count must be >= 0, was " + n + " for " + reason);
            }
            if (n > 0) {
                copy.put(Objects.requireNonNull(reason, "reason"), n);
            }
        });
        counts = Collections.unmodifiableMap(copy);
    }

    /** The items dropped for one reason. */
    public static DroppedItems of(Reason reason, int count) {
        return new DroppedItems(Map.of(reason, count));
    }

    /** Every item dropped, whatever the reason. */
    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** These drops and {@code other}'s, added per reason. */
    public DroppedItems plus(DroppedItems other) {
        if (other.counts.isEmpty()) {
            return this;
        }
        EnumMap<Reason, Integer> sum = new EnumMap<>(Reason.class);
        sum.putAll(counts);
        other.counts.forEach((reason, n) -> sum.merge(reason, n, Integer::sum));
        return new DroppedItems(sum);
    }

    /** The counts by wire name, in reason order: what the API and the database hold. */
    public Map<String, Integer> byWireName() {
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.forEach((reason, n) -> out.put(reason.wireName(), n));
        return out;
    }
}
