package newsagg.seed;

/**
 * Hears how far a {@link CorpusLoader} has got: called at the start and end of each phase and, while rows stream,
 * every few thousand rows. Calls come one at a time from the thread that called {@code load}, even while several
 * connections copy rows; a listener that throws aborts the load, which is then undone.
 */
@FunctionalInterface
public interface ProgressListener {

    /** The steps of a load, in order. */
    enum Phase {
        SOURCES, ARTICLES, INDEXES, ANALYZE;

        /** Lowercase name for display. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param phase the current step
     * @param done  units done in this phase (rows, or indexes rebuilt)
     * @param total units this phase will do
     */
    void progress(Phase phase, long done, long total);

    /** A listener that ignores everything. */
    static ProgressListener none() {
        return (phase, done, total) -> { };
    }
}
