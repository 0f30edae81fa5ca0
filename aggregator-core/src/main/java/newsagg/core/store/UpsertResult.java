package newsagg.core.store;

/**
 * What one {@link ArticleStore#upsert} did: how many articles were new and how many existing ones changed. Articles
 * that were already stored unchanged count in neither.
 */
public record UpsertResult(int inserted, int updated) {
    /** Nothing inserted, nothing updated. */
    public static final UpsertResult NONE = new UpsertResult(0, 0);

    public UpsertResult {
        if (inserted < 0 || updated < 0) {
            throw new IllegalArgumentException("counts must be >= 0, were " + inserted + " and " + updated);
        }
    }
}
