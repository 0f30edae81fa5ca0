package newsagg.seed;

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent, by binary search over the cumulative
 * weights. StrictMath keeps the weights, and so the corpus, identical on every platform.
 */
final class ZipfSampler {

    private final double[] cumulative;

    ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("a Zipf distribution needs at least one rank, got " + n);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / StrictMath.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
    }

    int sample(SplitMix random) {
        return search(cumulative, random.nextDouble());
    }

    /** The first index whose cumulative value exceeds {@code u}, or the last index. */
    static int search(double[] cumulative, double u) {
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulative[mid] > u) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
