package newsagg.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumMap;
import java.util.Map;
import newsagg.core.domain.DroppedItems;

/**
 * The {@code sources.last_fetch_dropped} column: a JSON object of counts by wire name ({@code {"item_limit": 200}}).
 * Names this version does not know (written by a newer one) are ignored when reading.
 */
public final class DroppedItemsColumn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() {
    };

    private DroppedItemsColumn() {
    }

    /** The column value for these counts. */
    public static String toJson(DroppedItems dropped) {
        try {
            return JSON.writeValueAsString(dropped.byWireName());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of names to counts is always JSON", e);
        }
    }

    /** The counts a column value holds; none for null. */
    public static DroppedItems fromJson(String json) {
        if (json == null || json.isBlank()) {
            return DroppedItems.NONE;
        }
        Map<String, Integer> byName;
        try {
            byName = JSON.readValue(json, COUNTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sources.last_fetch_dropped is not an object of counts", e);
        }
        Map<DroppedItems.Reason, Integer> counts = new EnumMap<>(DroppedItems.Reason.class);
        byName.forEach((name, n) -> {
            DroppedItems.Reason reason = DroppedItems.Reason.fromWireName(name);
            if (reason != null && n != null && n > 0) {
                counts.put(reason, n);
            }
        });
        return new DroppedItems(counts);
    }
}
