package newsagg.seed;

/**
 * SplitMix64: a tiny random generator whose output is fixed by its algorithm, so the corpus is the same on every JDK
 * (the JDK's own generators do not promise that). One instance per article keeps articles independent of each other.
 */
final class SplitMix {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix(long seed) {
        this.state = seed;
    }

    /** A generator for one item of a stream: independent of every other {@code (seed, stream, index)}. */
    static SplitMix of(long seed, long stream, long index) {
        return new SplitMix(mix(seed ^ mix(stream * GOLDEN + 1)) ^ mix(index * GOLDEN + 7));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [min, max], both inclusive. */
    int between(int min, int max) {
        return min + nextInt(max - min + 1);
    }

    boolean chance(double probability) {
        return nextDouble() < probability;
    }
}
