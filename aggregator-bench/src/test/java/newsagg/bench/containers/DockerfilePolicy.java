package newsagg.bench.containers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import newsagg.bench.containers.DockerfileText.Instruction;

/**
 * The Dockerfile policy: what every Dockerfile of this project must do, checked on the text, without an engine.
 * {@link #check} returns the violations; none means the Dockerfile passes.
 */
final class DockerfilePolicy {

  private static final List<String> REQUIRED_LABELS = List.of("org.opencontainers.image.title",
      "org.opencontainers.image.source", "org.opencontainers.image.version", "org.opencontainers.image.revision");
  private static final Pattern DIGEST = Pattern.compile(".*@sha256:[0-9a-f]{64}$");
  private static final Pattern VARIABLE = Pattern.compile("^\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?$");
  private static final Pattern ROOT = Pattern.compile("^(root|0)(:.*)?$");

  private DockerfilePolicy() {}

  private record Stage(Instruction from, String image, String name, List<Instruction> body) {

    Instruction last(String keyword) {
      Instruction last = null;
      for (Instruction instruction : body) {
        if (instruction.keyword().equals(keyword)) {
          last = instruction;
        }
      }
      return last;
    }
  }

  /** A reference is pinned when it names a version (a tag with a digit, not latest) or a digest. */
  static boolean isPinned(String image) {
    if (DIGEST.matcher(image).matches()) {
      return true;
    }
    int colon = image.indexOf(':', image.lastIndexOf('/') + 1);
    if (colon < 0) {
      return false;
    }
    String tag = image.substring(colon + 1);
    return tag.matches(".*\\d.*") && !tag.toLowerCase().contains("latest");
  }

  static List<Violation> check(String text) {
    List<Violation> violations = new ArrayList<>();
    DockerfileText dockerfile = DockerfileText.parse(text);
    for (DockerfileText.Directive directive : dockerfile.directives()) {
      if (directive.name().equals("syntax")) {
        violations.add(new Violation("no-syntax-directive", directive.line(),
            "a \"# syntax=\" line makes BuildKit pull a frontend from a registry"));
      }
    }
    for (Violation lint : DockerfileLint.check(text)) {
      violations.add(new Violation("lint", lint.line(), lint.message()));
    }

    Map<String, String> defaults = argDefaults(dockerfile.instructions());
    List<Stage> stages = stagesOf(dockerfile.instructions());
    if (stages.isEmpty()) {
      violations.add(new Violation("multi-stage", 1, "no FROM instruction"));
      return violations;
    }
    if (stages.size() < 2) {
      violations.add(new Violation("multi-stage", stages.get(0).from().line(),
          "build and runtime must be separate stages"));
    }
    Set<String> stageNames = new HashSet<>();
    for (Stage stage : stages) {
      checkBaseImage(stage, defaults, stageNames, violations);
      if (stage.name() != null) {
        stageNames.add(stage.name());
      }
    }
    for (Instruction instruction : dockerfile.instructions()) {
      if (instruction.keyword().equals("ADD")) {
        violations.add(new Violation("copy-not-add", instruction.line(),
            "use COPY: ADD fetches URLs and unpacks archives implicitly"));
      }
    }
    for (Stage stage : stages) {
      checkDependencyLayer(stage, violations);
    }
    Stage last = stages.get(stages.size() - 1);
    checkFinalStage(last, violations);
    checkApplicationLayers(last, stageNames, violations);
    return violations;
  }

  private static void checkBaseImage(Stage stage, Map<String, String> defaults, Set<String> stageNames,
      List<Violation> violations) {
    String image = stage.image() == null ? "" : stage.image();
    int line = stage.from().line();
    Matcher variable = VARIABLE.matcher(image);
    if (stageNames.contains(image) || image.equals("scratch")) {
      return;
    }
    if (!variable.matches()) {
      violations.add(new Violation("base-image-build-arg", line,
          "base image \"" + image + "\" must come from a build argument"));
      if (!isPinned(image)) {
        violations.add(new Violation("pinned-from", line, "base image \"" + image + "\" is not pinned to a version"));
      }
    } else if (!defaults.containsKey(variable.group(1))) {
      violations.add(new Violation("pinned-from", line,
          "build argument " + variable.group(1) + " is not declared before the first FROM"));
    } else {
      String value = defaults.get(variable.group(1));
      if (value == null || value.isEmpty() || !isPinned(value)) {
        violations.add(new Violation("pinned-from", line, "build argument " + variable.group(1) + " defaults to \""
            + (value == null ? "" : value) + "\", not a pinned image"));
      }
    }
  }

  private static void checkFinalStage(Stage last, List<Violation> violations) {
    int fromLine = last.from().line();
    Instruction user = last.last("USER");
    if (user == null) {
      violations.add(new Violation("non-root-user", fromLine, "the final stage has no USER, so it runs as root"));
    } else if (ROOT.matcher(user.args().trim()).matches()) {
      violations.add(new Violation("non-root-user", user.line(), "USER " + user.args() + " is root"));
    }

    Instruction healthcheck = last.last("HEALTHCHECK");
    if (healthcheck == null) {
      violations.add(new Violation("healthcheck", fromLine, "the final stage has no HEALTHCHECK"));
    } else {
      String rest = healthcheck.flags().rest();
      if (!Pattern.compile("^CMD\\s", Pattern.CASE_INSENSITIVE).matcher(rest).find()) {
        violations.add(new Violation("healthcheck", healthcheck.line(), "HEALTHCHECK must run a command (CMD ...)"));
      } else if (Pattern.compile("\\b(curl|wget)\\b").matcher(rest).find()) {
        violations.add(new Violation("healthcheck", healthcheck.line(),
            "the image has no curl or wget: use bash's /dev/tcp or the jar's healthcheck command"));
      }
    }

    Instruction entrypoint = last.last("ENTRYPOINT");
    var exec = entrypoint == null ? java.util.Optional.<List<String>>empty()
        : DockerfileText.execForm(entrypoint.args());
    if (exec.isEmpty()) {
      violations.add(new Violation("exec-form-entrypoint", entrypoint == null ? fromLine : entrypoint.line(),
          "ENTRYPOINT must be in exec form (a JSON array), so that the JVM is PID 1 and gets SIGTERM"));
    } else if (exec.get().stream().noneMatch(word -> word.startsWith("-XX:MaxRAMPercentage="))) {
      violations.add(new Violation("container-memory", entrypoint.line(),
          "the JVM must size its heap from the container limit (-XX:MaxRAMPercentage)"));
    }

    Pattern port8080 = Pattern.compile("(^|\\s)8080(/tcp)?(\\s|$)");
    if (last.body().stream().noneMatch(i -> i.keyword().equals("EXPOSE") && port8080.matcher(i.args()).find())) {
      violations.add(new Violation("expose", fromLine, "the final stage must EXPOSE 8080"));
    }

    StringBuilder labels = new StringBuilder();
    last.body().stream().filter(i -> i.keyword().equals("LABEL")).forEach(i -> labels.append(i.args()).append(' '));
    for (String label : REQUIRED_LABELS) {
      if (!labels.toString().contains(label + "=")) {
        violations.add(new Violation("oci-labels", fromLine, "missing label " + label));
      }
    }
  }

  /** In a stage that copies sources, the POMs are copied and dependencies resolved (a RUN) before the sources. */
  private static void checkDependencyLayer(Stage stage, List<Violation> violations) {
    Pattern sourceDir = Pattern.compile("(^|/)src(/|$)");
    Instruction sourceCopy = null;
    for (Instruction instruction : stage.body()) {
      if (isContextCopy(instruction) && sources(instruction).stream()
          .anyMatch(s -> s.equals(".") || s.equals("./") || sourceDir.matcher(s).find())) {
        sourceCopy = instruction;
        break;
      }
    }
    if (sourceCopy == null) {
      return;
    }
    List<Instruction> before = stage.body().subList(0, stage.body().indexOf(sourceCopy));
    int pomCopy = -1;
    for (int i = 0; i < before.size() && pomCopy < 0; i++) {
      if (before.get(i).keyword().equals("COPY")
          && sources(before.get(i)).stream().anyMatch(s -> s.matches("(^|.*/)pom\\.xml$"))) {
        pomCopy = i;
      }
    }
    boolean resolved = pomCopy >= 0
        && before.subList(pomCopy + 1, before.size()).stream().anyMatch(i -> i.keyword().equals("RUN"));
    if (!resolved) {
      violations.add(new Violation("dependency-layer", sourceCopy.line(),
          "copy the POMs and resolve dependencies (a RUN) before copying the sources, so a code change keeps that "
              + "layer"));
    }
  }

  /** The runtime copies the dependencies (a lib/ directory) before the application, as separate layers. */
  private static void checkApplicationLayers(Stage last, Set<String> stageNames, List<Violation> violations) {
    List<String> destinations = new ArrayList<>();
    for (Instruction instruction : last.body()) {
      String from = instruction.flags().flags().get("from");
      if (instruction.keyword().equals("COPY") && from != null && stageNames.contains(from)) {
        List<String> words = instruction.flags().words();
        destinations.add(words.isEmpty() ? "" : words.get(words.size() - 1));
      }
    }
    int lib = -1;
    for (int i = 0; i < destinations.size() && lib < 0; i++) {
      if (destinations.get(i).matches(".*/lib/?$")) {
        lib = i;
      }
    }
    boolean app = false;
    for (int i = lib + 1; lib >= 0 && i < destinations.size(); i++) {
      app |= destinations.get(i).matches("^/app/?$");
    }
    if (!app) {
      violations.add(new Violation("app-layers", last.from().line(),
          "copy the dependencies (…/lib/) and then the application (/app/) from the build stage as two layers"));
    }
  }

  private static boolean isContextCopy(Instruction instruction) {
    return instruction.keyword().equals("COPY") && !instruction.flags().flags().containsKey("from");
  }

  private static List<String> sources(Instruction instruction) {
    List<String> words = instruction.flags().words();
    return words.isEmpty() ? words : words.subList(0, words.size() - 1);
  }

  private static Map<String, String> argDefaults(List<Instruction> instructions) {
    Map<String, String> defaults = new HashMap<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        break;
      }
      if (instruction.keyword().equals("ARG")) {
        int eq = instruction.args().indexOf('=');
        defaults.put(eq < 0 ? instruction.args().trim() : instruction.args().substring(0, eq).trim(),
            eq < 0 ? null : instruction.args().substring(eq + 1).trim().replaceAll("^\"(.*)\"$", "$1"));
      }
    }
    return defaults;
  }

  private static List<Stage> stagesOf(List<Instruction> instructions) {
    List<Stage> stages = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        List<String> words = instruction.flags().words();
        int as = -1;
        for (int i = 0; i < words.size() && as < 0; i++) {
          if (words.get(i).equalsIgnoreCase("AS")) {
            as = i;
          }
        }
        stages.add(new Stage(instruction, words.isEmpty() ? null : words.get(0),
            as >= 0 && as + 1 < words.size() ? words.get(as + 1) : null, new ArrayList<>()));
      } else if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).body().add(instruction);
      }
    }
    return stages;
  }
}
