package newsagg.core.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a match of a query must contain, read from PostgreSQL's {@code querytree} of its tsquery (the part an index
 * can answer, as text: {@code 'elect' & ( 'fraud' | 'vote' )}): sets of lexemes of which a match holds at least one
 * each, a conjunction of disjunctions. {@code a & b} and the phrase {@code a <-> b} need both, {@code a | b} either.
 * So a new article that lacks every lexeme of one set cannot match, whatever else it holds: for the two-word query
 * {@code year company} an article must hold both words, not one of them.
 */
final class QueryTree {

    /** Past this many sets an OR is not distributed further and needs one of all its lexemes instead, still true. */
    static final int MAX_SETS = 32;

    private final String text;
    private int at;

    private QueryTree(String text) {
        this.text = text;
    }

    /**
     * The sets, or empty when the tree says nothing a match must contain: {@code T} (no indexable part), a negation
     * or anything this reader does not know (weights, prefixes).
     */
    static Optional<List<Set<String>>> requirements(String tree) {
        if (tree == null || tree.isBlank() || tree.strip().equals("T")) {
            return Optional.empty();
        }
        QueryTree reader = new QueryTree(tree);
        try {
            List<Set<String>> sets = reader.or();
            reader.space();
            return reader.at == tree.length() ? Optional.of(List.copyOf(sets)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private List<Set<String>> or() {
        List<Set<String>> sets = and();
        while (take("|")) {
            sets = either(sets, and());
        }
        return sets;
    }

    private List<Set<String>> and() {
        List<Set<String>> sets = new ArrayList<>(phrase());
        while (take("&")) {
            sets.addAll(phrase());
        }
        return sets;
    }

    /** A phrase needs each of its parts, as an AND does; the distance between them does not matter here. */
    private List<Set<String>> phrase() {
        List<Set<String>> sets = new ArrayList<>(atom());
        while (distance()) {
            sets.addAll(atom());
        }
        return sets;
    }

    private List<Set<String>> atom() {
        space();
        if (take("(")) {
            List<Set<String>> inner = or();
            if (!take(")")) {
                throw new IllegalArgumentException("unclosed parenthesis");
            }
            return inner;
        }
        if (at >= text.length() || text.charAt(at) != '\'') {
            throw new IllegalArgumentException("not a lexeme at " + at);
        }
        StringBuilder lexeme = new StringBuilder();
        at++;
        while (true) {
            if (at >= text.length()) {
                throw new IllegalArgumentException("unclosed lexeme");
            }
            char c = text.charAt(at++);
            if (c == '\'') {
                if (at < text.length() && text.charAt(at) == '\'') {
                    lexeme.append('\'');
                    at++;
                    continue;
                }
                break;
            }
            lexeme.append(c);
        }
        if (at < text.length() && text.charAt(at) == ':') {
            throw new IllegalArgumentException("weights and prefixes are not read");
        }
        return List.of(Set.of(lexeme.toString()));
    }

    /** {@code <->} or {@code <N>}. */
    private boolean distance() {
        space();
        if (at >= text.length() || text.charAt(at) != '<') {
            return false;
        }
        int close = text.indexOf('>', at);
        if (close < 0 || !text.substring(at + 1, close).matches("-|[0-9]{1,5}")) {
            throw new IllegalArgumentException("not a phrase operator at " + at);
        }
        at = close + 1;
        return true;
    }

    /** A match of A or B holds one lexeme of each set of A, or one of each set of B: the sets are the unions. */
    private static List<Set<String>> either(List<Set<String>> a, List<Set<String>> b) {
        if ((long) a.size() * b.size() > MAX_SETS) {
            Set<String> all = new HashSet<>();
            a.forEach(all::addAll);
            b.forEach(all::addAll);
            return List.of(all);
        }
        Set<Set<String>> sets = new LinkedHashSet<>();
        for (Set<String> x : a) {
            for (Set<String> y : b) {
                Set<String> union = new HashSet<>(x);
                union.addAll(y);
                sets.add(Set.copyOf(union));
            }
        }
        return List.copyOf(sets);
    }

    private boolean take(String token) {
        space();
        if (text.startsWith(token, at)) {
            at += token.length();
            return true;
        }
        return false;
    }

    private void space() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }
}
