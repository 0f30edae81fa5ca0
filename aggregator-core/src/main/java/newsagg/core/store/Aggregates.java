package newsagg.core.store;

import java.util.Objects;

import org.jdbi.v3.core.Jdbi;

/**
 * The aggregates PostgreSQL keeps up to date as articles are stored, updated and deleted (migration V3): each
 * source's article count, title-term counts and per-source counts per UTC hour and per UTC day, and the change
 * sequence and epoch that the response caches invalidate by. Triggers maintain them in the writing transaction;
 * this class only holds what a bulk load needs to switch them off and recount, so that the statements live in one
 * place. See {@code docs/CACHE.md}.
 */
public final class Aggregates {

    /** Switches the maintaining triggers off, for a bulk load that recounts afterwards. */
    public static final String PAUSE_FOR_LOAD = "ALTER TABLE articles DISABLE TRIGGER USER";

    /** Switches them on again. */
    public static final String RESUME = "ALTER TABLE articles ENABLE TRIGGER USER";

    /** Recounts every aggregate from the articles (and moves the epoch); see {@link #rebuild()}. */
    public static final String REBUILD = "SELECT newsagg_rebuild_aggregates()";

    /** {@link #RESUME} then {@link #REBUILD}, as one script. */
    public static final String RESUME_AND_REBUILD = RESUME + "; " + REBUILD;

    private final Jdbi jdbi;

    /** Aggregates of the database behind {@code jdbi}, which has the newsagg schema. */
    public Aggregates(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Recounts every aggregate from the articles, in one transaction; readers see the old or the new counts. */
    public void rebuild() {
        jdbi.useTransaction(h -> h.createQuery("SELECT newsagg_rebuild_aggregates()::text").mapTo(String.class).one());
    }
}
