package newsagg.core.ingest.normalize;

/** Plain-text helpers: whitespace collapsing and cutting at a word boundary with an ellipsis. */
final class Text {
    static final String ELLIPSIS = "…";

    private Text() {
    }

    /** Trims and collapses every run of whitespace (including no-break spaces) to one space. */
    static String collapse(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("[\\s\\u00A0\\u2007\\u202F\\u200B]+", " ").strip();
    }

    /**
     * Returns {@code s} if it fits in {@code max} characters, else a prefix cut at the last word
     * boundary (when one lies in the second half) followed by "…", at most {@code max} characters.
     */
    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = max - ELLIPSIS.length();
        int space = s.lastIndexOf(' ', cut);
        if (space > cut / 2) {
            cut = space;
        } else if (Character.isHighSurrogate(s.charAt(cut - 1))) {
            cut--;
        }
        return s.substring(0, cut).stripTrailing() + ELLIPSIS;
    }

    /** Cuts to at most {@code max} characters without splitting a surrogate pair. */
    static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, cut);
    }
}
