package newsagg.core.timing;

/**
 * Receives the time spent in one stage (such as {@code db}) of whatever unit of work is current on the calling
 * thread. The core reports SQL time through it; a server attributes that time to the request being served,
 * without the core knowing anything about HTTP. Implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface StageTimer {

    /** The stage name for time spent executing SQL. */
    String DB = "db";

    /** A timer that records nothing. */
    StageTimer NONE = (stage, nanos) -> { };

    /** Adds {@code nanos} to {@code stage} of the current unit of work, if there is one. */
    void add(String stage, long nanos);
}
