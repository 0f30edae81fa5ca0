package newsagg.bench.containers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import newsagg.bench.containers.DockerfileText.Instruction;

/**
 * A generic Dockerfile lint, every finding an error: unknown instructions and flags, bad flag values (durations,
 * retries), missing arguments, casing of instructions and directives, repeated CMD/ENTRYPOINT/HEALTHCHECK in a
 * stage, JSON in single quotes, relative WORKDIR, MAINTAINER, empty continuation lines and bad EXPOSE ports. These
 * are the rules the project used from dockerfile-utils (the VS Code Docker extension's validator), with every
 * optional one raised to an error.
 */
final class DockerfileLint {

  private static final Set<String> INSTRUCTIONS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE",
      "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
      "WORKDIR");
  private static final Map<String, Set<String>> FLAGS = Map.of(
      "FROM", Set.of("platform"),
      "COPY", Set.of("from", "chown", "chmod", "link", "parents", "exclude"),
      "ADD", Set.of("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"),
      "RUN", Set.of("mount", "network", "security"),
      "HEALTHCHECK", Set.of("interval", "timeout", "start-period", "start-interval", "retries"));
  private static final Set<String> ONE_PER_STAGE = Set.of("CMD", "ENTRYPOINT", "HEALTHCHECK");
  private static final String DURATION_PART = "([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|m|h)";
  private static final Pattern DURATION = Pattern.compile("0|(" + DURATION_PART + ")+");
  private static final Pattern PORT = Pattern.compile("(\\d+(-\\d+)?|\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?)(/(tcp|udp|sctp))?",
      Pattern.CASE_INSENSITIVE);

  private DockerfileLint() {}

  static List<Violation> check(String text) {
    DockerfileText dockerfile = DockerfileText.parse(text);
    List<Violation> findings = new ArrayList<>();
    for (DockerfileText.Directive directive : dockerfile.directives()) {
      if (!directive.written().equals(directive.name())) {
        findings.add(new Violation("lint", directive.line(), "Parser directives should be written in lowercase letters"));
      }
    }
    Map<String, Instruction> seenInStage = new HashMap<>();
    boolean fromSeen = false;
    for (Instruction instruction : dockerfile.instructions()) {
      String keyword = instruction.keyword();
      int line = instruction.line();
      if (!INSTRUCTIONS.contains(keyword)) {
        findings.add(new Violation("lint", line, "Unknown instruction: " + instruction.written()));
        continue;
      }
      if (!instruction.written().equals(keyword)) {
        findings.add(new Violation("lint", line, "Instructions should be written in uppercase letters"));
      }
      if (!fromSeen && !keyword.equals("ARG") && !keyword.equals("FROM")) {
        findings.add(new Violation("lint", line, "Instructions before the first FROM may only be ARG"));
      }
      if (keyword.equals("FROM")) {
        fromSeen = true;
        seenInStage.clear();
      }
      if (instruction.args().isEmpty()) {
        findings.add(new Violation("lint", line, keyword + " has no arguments"));
        continue;
      }
      if (ONE_PER_STAGE.contains(keyword) && seenInStage.put(keyword, instruction) != null) {
        findings.add(new Violation("lint", line, "There can only be one " + keyword
            + " instruction in a Dockerfile or build stage. Only the last one will have an effect."));
      }
      checkFlags(instruction, findings);
      String rest = instruction.flags().rest();
      if (rest.matches("^\\[\\s*'.*")) {
        findings.add(new Violation("lint", line, "Instructions in JSON form should be written in double quotes"));
      }
      switch (keyword) {
        case "MAINTAINER" -> findings.add(new Violation("lint", line,
            "MAINTAINER has been deprecated: use LABEL org.opencontainers.image.authors"));
        case "WORKDIR" -> {
          if (!rest.startsWith("/") && !rest.startsWith("$")) {
            findings.add(new Violation("lint", line, "Relative workdir \"" + rest + "\" can be confusing"));
          }
        }
        case "EXPOSE" -> {
          for (String port : rest.split("\\s+")) {
            if (!PORT.matcher(port).matches()) {
              findings.add(new Violation("lint", line, "Invalid containerPort: " + port));
            }
          }
        }
        case "HEALTHCHECK" -> checkHealthcheck(instruction, rest, findings);
        default -> { }
      }
    }
    checkContinuations(text, findings);
    return findings;
  }

  private static void checkFlags(Instruction instruction, List<Violation> findings) {
    Set<String> allowed = FLAGS.get(instruction.keyword());
    if (allowed == null) {
      return;
    }
    for (var flag : instruction.flags().flags().entrySet()) {
      if (!allowed.contains(flag.getKey())) {
        findings.add(new Violation("lint", instruction.line(), "Unknown flag: " + flag.getKey()));
      } else if (flag.getValue().isEmpty() && !flag.getKey().equals("link") && !flag.getKey().equals("parents")
          && !flag.getKey().equals("keep-git-dir")) {
        findings.add(new Violation("lint", instruction.line(), "Flag --" + flag.getKey() + " has no value"));
      }
    }
  }

  private static void checkHealthcheck(Instruction instruction, String rest, List<Violation> findings) {
    int line = instruction.line();
    String type = rest.split("\\s+", 2)[0].toUpperCase();
    if (type.equals("NONE")) {
      if (!rest.trim().equalsIgnoreCase("NONE") || !instruction.flags().flags().isEmpty()) {
        findings.add(new Violation("lint", line, "HEALTHCHECK NONE takes no arguments or flags"));
      }
      return;
    }
    if (!type.equals("CMD")) {
      findings.add(new Violation("lint", line, "Unknown HEALTHCHECK type: " + type));
    } else if (rest.trim().length() == 3) {
      findings.add(new Violation("lint", line, "HEALTHCHECK CMD has no command"));
    }
    for (var flag : instruction.flags().flags().entrySet()) {
      String value = flag.getValue();
      if (flag.getKey().equals("retries")) {
        if (!value.matches("[1-9][0-9]*")) {
          findings.add(new Violation("lint", line, "Invalid --retries value \"" + value + "\": a positive integer"));
        }
      } else if (!value.isEmpty() && !DURATION.matcher(value).matches()) {
        findings.add(new Violation("lint", line, "Invalid duration \"" + value + "\" of --" + flag.getKey()));
      }
    }
  }

  /** A blank line right after a line continued with a backslash: Docker skips it, and warns. */
  private static void checkContinuations(String text, List<Violation> findings) {
    String[] lines = text.split("\\r?\\n", -1);
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank() && lines[i - 1].stripTrailing().endsWith("\\")
          && !lines[i - 1].stripLeading().startsWith("#")) {
        findings.add(new Violation("lint", i + 1, "Empty continuation lines will become errors in a future release"));
      }
    }
  }
}
