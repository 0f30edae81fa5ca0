package newsagg.core.ingest;

import java.util.List;
import java.util.Objects;

/**
 * What an OPML import did: sources added, feeds skipped because a source with that URL already existed (or appeared
 * earlier in the same file), and feeds refused because their URL is not acceptable, with the first
 * {@value OpmlImporter#MAX_REPORTED_INVALID} of those and the reasons.
 *
 * @param added          sources created
 * @param skipped        feeds whose URL was already a source
 * @param invalid        feeds refused
 * @param invalidEntries the first refused feeds, in document order
 */
public record OpmlImportResult(int added, int skipped, int invalid, List<Invalid> invalidEntries) {

    /** Nothing imported. */
    public static final OpmlImportResult NONE = new OpmlImportResult(0, 0, 0, List.of());

    public OpmlImportResult {
        invalidEntries = List.copyOf(invalidEntries);
    }

    /**
     * One refused feed.
     *
     * @param xmlUrl the URL as written, cut to 300 characters
     * @param reason why it was refused
     */
    public record Invalid(String xmlUrl, String reason) {
        public Invalid {
            Objects.requireNonNull(xmlUrl, "xmlUrl");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
