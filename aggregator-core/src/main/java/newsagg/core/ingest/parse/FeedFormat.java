package newsagg.core.ingest.parse;

/** The syndication format a body was detected as, by sniffing its content rather than its Content-Type. */
public enum FeedFormat {
    RSS_0_9X, RSS_1_0, RSS_2_0, ATOM_0_3, ATOM_1_0, JSON_FEED_1_0, JSON_FEED_1_1
}
