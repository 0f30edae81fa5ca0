package newsagg.core.query;

/**
 * How far the stored articles have come: {@code epoch} changes whenever articles are deleted, sources are added or
 * removed, or the corpus is reloaded (it is a time in microseconds and never repeats), and {@code seq} is the highest
 * change sequence of any stored article (every insert and every update takes the next one). An answer computed
 * when the mark was {@code (e, s)} is still exact while the mark is {@code (e, s)}; once {@code seq} has moved on
 * within the same epoch, only articles with a higher change sequence can have changed it (migration V3).
 */
public record ChangeMark(long epoch, long seq) {
}
