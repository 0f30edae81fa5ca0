package newsagg.bench.containers;

/** One broken rule of a container policy check: the rule's name, the 1-based line (0 when none) and why. */
record Violation(String rule, int line, String message) {

  static Violation of(String rule, String message) {
    return new Violation(rule, 0, message);
  }
}
