package newsagg.bench.containers;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile split into parser directives and instructions, continuation lines joined and comments dropped, with
 * the line each instruction starts on. Enough of Docker's grammar for the policy checks; it builds nothing.
 */
record DockerfileText(List<Directive> directives, List<Instruction> instructions) {

  /** A parser directive; name is lowercased, written is the name as the file spells it. */
  record Directive(String name, String written, String value, int line) {}

  /** An instruction; keyword is uppercased, written is the keyword as the file spells it. */
  record Instruction(String keyword, String written, String args, int line) {

    /** The leading --flags (a flag without a value maps to ""), and what follows them. */
    Flags flags() {
      Map<String, String> flags = new LinkedHashMap<>();
      String rest = args;
      Matcher flag;
      while ((flag = FLAG.matcher(rest)).lookingAt()) {
        flags.put(flag.group(1), flag.group(2) == null ? "" : flag.group(2));
        rest = rest.substring(flag.end());
      }
      return new Flags(flags, rest);
    }
  }

  record Flags(Map<String, String> flags, String rest) {

    /** The exec-form JSON array, or else the whitespace-separated words. */
    List<String> words() {
      return execForm(rest).orElseGet(() -> rest.isBlank() ? List.of() : List.of(rest.trim().split("\\s+")));
    }
  }

  private static final Pattern FLAG = Pattern.compile("--([a-z-]+)(?:=(\\S*))?\\s*");
  private static final Pattern COMMENT = Pattern.compile("^\\s*#.*");
  private static final Pattern DIRECTIVE = Pattern.compile("^\\s*#\\s*([a-zA-Z]+)\\s*=\\s*(.*)$");
  private static final Pattern KEYWORD = Pattern.compile("^\\s*(\\S+)\\s*(.*)$", Pattern.DOTALL);
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  static DockerfileText parse(String text) {
    List<Directive> directives = new ArrayList<>();
    List<Instruction> instructions = new ArrayList<>();
    boolean preamble = true;
    StringBuilder current = null;
    int start = 0;
    String[] lines = text.split("\\r?\\n", -1);
    for (int index = 0; index < lines.length; index++) {
      String line = lines[index].stripTrailing();
      if (current == null) {
        if (COMMENT.matcher(line).matches()) {
          Matcher directive = DIRECTIVE.matcher(line);
          if (preamble && directive.matches()) {
            directives.add(new Directive(directive.group(1).toLowerCase(), directive.group(1), directive.group(2),
                index + 1));
          }
          continue;
        }
        preamble = false;
        if (line.isBlank()) {
          continue;
        }
        current = new StringBuilder();
        start = index + 1;
      } else if (COMMENT.matcher(line).matches()) {
        continue;
      }
      boolean continued = line.endsWith("\\");
      current.append(continued ? line.substring(0, line.length() - 1) + " " : line);
      if (!continued) {
        instructions.add(instruction(current.toString(), start));
        current = null;
      }
    }
    if (current != null) {
      instructions.add(instruction(current.toString(), start));
    }
    return new DockerfileText(List.copyOf(directives), List.copyOf(instructions));
  }

  private static Instruction instruction(String text, int line) {
    Matcher match = KEYWORD.matcher(text);
    match.matches();
    return new Instruction(match.group(1).toUpperCase(), match.group(1), match.group(2).trim(), line);
  }

  /** The strings of a JSON array of strings, or empty when the text is not one. */
  static Optional<List<String>> execForm(String rest) {
    if (!rest.startsWith("[")) {
      return Optional.empty();
    }
    try {
      JsonNode parsed = JSON.readTree(rest);
      if (!parsed.isArray()) {
        return Optional.empty();
      }
      List<String> words = new ArrayList<>();
      for (JsonNode word : parsed) {
        if (!word.isTextual()) {
          return Optional.empty();
        }
        words.add(word.asText());
      }
      return Optional.of(List.copyOf(words));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
