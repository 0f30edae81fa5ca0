package newsagg.core.store;

/**
 * What one {@link ArticleStore#upsert} did: how many articles were new, how many existing ones changed, and how many
 * the database refused (only {@link ArticleStore#upsertSalvaging} refuses single articles; {@link ArticleStore#upsert}
 * fails as a whole). Articles that were already stored unchanged count in none.
 */
public record UpsertResult(int inserted, int updated, int refused) {
    /** Nothing inserted, nothing updated. */
    public static final UpsertResult NONE = new UpsertResult(0, 0, 0);

    public UpsertResult {
        if (inserted < 0 || updated < 0 || refused < 0) {
            throw new IllegalArgumentException("counts must be >= 0, were " + inserted + ", " + updated + " and "
                    + refused);
        }
    }

    /** A result with nothing refused. */
    public UpsertResult(int inserted, int updated) {
        this(inserted, updated, 0);
    }

    UpsertResult plus(UpsertResult other) {
        return new UpsertResult(inserted + other.inserted, updated + other.updated, refused + other.refused);
    }
}
