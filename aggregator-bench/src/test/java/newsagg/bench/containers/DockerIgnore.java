package newsagg.bench.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * .dockerignore: what must stay out of the build context, and what the Dockerfile needs in it, matched with Docker's
 * own pattern rules (moby's fileutils, as the classic builder applies them). {@code main --list} prints the context
 * the engine should receive; docker/smoke-test.sh compares it with what the engine does receive.
 */
final class DockerIgnore {

  /** Paths that must never reach the daemon, whether or not they exist right now. */
  static final List<String> MUST_EXCLUDE = List.of(
      ".git/HEAD", ".git/config",
      "target/classes/A.class", "aggregator-core/target/aggregator-core.jar", "aggregator-http/target/newsagg.jar",
      "aggregator-http/src/main/target/stray.class",
      ".idea/workspace.xml", "newsagg.iml", ".vscode/settings.json", ".classpath", ".project", ".settings/x.prefs",
      "server.log", "aggregator-http/src/main/resources/debug.log",
      ".env", ".env.local", "aggregator-http/src/main/resources/.env", "secrets/tls.key",
      "aggregator-http/src/main/resources/server.pem", "aggregator-http/src/main/resources/keystore.p12",
      "docker/node_modules/ajv/package.json", "aggregator-bench/results/baseline.json",
      "aggregator-core/src/test/java/newsagg/SomeTest.java", ".jqwik-database");

  /** Paths the build needs (besides every path a COPY in the Dockerfile names). */
  static final List<String> MUST_KEEP = List.of(
      "pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties",
      "aggregator-core/pom.xml", "aggregator-cache/pom.xml", "aggregator-http/pom.xml", "aggregator-bench/pom.xml",
      "aggregator-bench/seeder/pom.xml",
      "aggregator-core/src/main/resources/newsagg/db/migration/V1__schema.sql",
      "aggregator-http/src/main/java/newsagg/http/Main.java", "docker/assemble.sh");

  private record Rule(Pattern regex, int dirs, boolean doubleStar, boolean negative) {}

  private final List<Rule> rules = new ArrayList<>();

  DockerIgnore(String dockerignoreText) {
    for (String line : dockerignoreText.split("\\r?\\n")) {
      String pattern = line.trim();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      boolean negative = pattern.startsWith("!");
      if (negative) {
        pattern = pattern.substring(1).trim();
      }
      pattern = clean(pattern);
      if (pattern.length() > 1 && pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      if (pattern.isEmpty() || pattern.equals(".")) {
        continue;
      }
      String[] dirs = pattern.split("/");
      long plain = Stream.of(dirs).filter(d -> !d.equals("**")).count();
      rules.add(new Rule(compile(pattern), List.of(dirs).contains("**") ? (int) plain : dirs.length,
          List.of(dirs).contains("**"), negative));
    }
  }

  /** Whether the engine leaves this path (relative, with /) out of the context: the last matching rule decides. */
  boolean ignores(String path) {
    String file = clean(path);
    int slash = file.lastIndexOf('/');
    String parent = slash < 0 ? "." : file.substring(0, slash);
    String[] parentDirs = parent.split("/");
    boolean matched = false;
    for (Rule rule : rules) {
      boolean match = rule.regex().matcher(file).matches();
      if (!match && !parent.equals(".")) {
        if (rule.doubleStar()) {
          for (int i = rule.dirs(); i <= parentDirs.length && !match; i++) {
            match = rule.regex().matcher(String.join("/", List.of(parentDirs).subList(0, i))).matches();
          }
        } else if (rule.dirs() <= parentDirs.length) {
          match = rule.regex().matcher(String.join("/", List.of(parentDirs).subList(0, rule.dirs()))).matches();
        }
      }
      if (match) {
        matched = !rule.negative();
      }
    }
    return matched;
  }

  /** Go's filepath.Clean for relative slash paths: no empty or "." parts, ".." resolved, no trailing slash. */
  private static String clean(String path) {
    boolean absolute = path.startsWith("/");
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else if (!(part.equals("..") && absolute)) {
        parts.add(part);
      }
    }
    String joined = String.join("/", parts);
    return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
  }

  /** moby's pattern to regular expression: ** spans directories, * and ? stay within one, \ escapes. */
  private static Pattern compile(String pattern) {
    StringBuilder regex = new StringBuilder("^");
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '*') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
            i++;
          }
          regex.append(i + 1 >= pattern.length() ? ".*" : "(.*/)?");
        } else {
          regex.append("[^/]*");
        }
      } else if (ch == '?') {
        regex.append("[^/]");
      } else if (ch == '.' || ch == '$') {
        regex.append('\\').append(ch);
      } else if (ch == '\\') {
        if (i + 1 < pattern.length()) {
          regex.append('\\').append(pattern.charAt(++i));
        } else {
          regex.append("\\\\");
        }
      } else {
        regex.append(ch);
      }
    }
    return Pattern.compile(regex.append('$').toString());
  }

  /** The repository's files: tracked and untracked-but-not-git-ignored, or a plain walk without git. */
  static List<String> repositoryFiles(Path root) {
    try {
      Process git = new ProcessBuilder("git", "ls-files", "-co", "--exclude-standard", "-z")
          .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (git.waitFor() == 0) {
        return Stream.of(out.split("\0")).filter(p -> !p.isEmpty() && Files.exists(root.resolve(p))).toList();
      }
    } catch (IOException e) {
      // no git: walk the tree below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing the repository", e);
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.startsWith(".git/") && !p.contains("node_modules/")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files of the build context, sorted, as the engine would receive them. */
  List<String> contextFiles(List<String> files) {
    return files.stream().filter(p -> !ignores(p)).sorted().toList();
  }

  /** The context sources named by COPY instructions without --from (the Dockerfile's inputs). */
  static List<String> copySources(String dockerfileText) {
    List<String> sources = new ArrayList<>();
    for (DockerfileText.Instruction instruction : DockerfileText.parse(dockerfileText).instructions()) {
      if (instruction.keyword().equals("COPY") && !instruction.args().contains("--from=")) {
        List<String> words = Stream.of(instruction.args().split("\\s+")).filter(w -> !w.startsWith("--")).toList();
        sources.addAll(words.subList(0, Math.max(0, words.size() - 1)));
      }
    }
    return sources;
  }

  /** The violations of a .dockerignore against the Dockerfile and the repository's files; none means it passes. */
  static List<Violation> check(String dockerignoreText, String dockerfileText, List<String> files) {
    List<Violation> violations = new ArrayList<>();
    DockerIgnore ignore = new DockerIgnore(dockerignoreText);
    for (String path : MUST_EXCLUDE) {
      if (!ignore.ignores(path)) {
        violations.add(Violation.of("exclude", path + " would be sent to the daemon"));
      }
    }
    for (String path : MUST_KEEP) {
      if (ignore.ignores(path)) {
        violations.add(Violation.of("keep", path + " is needed by the build but excluded"));
      }
    }
    for (String raw : dockerignoreText.split("\\r?\\n")) {
      String line = raw.trim();
      String folder = line.startsWith("!") && line.contains("/") ? line.substring(1, line.lastIndexOf('/')) : "";
      if (folder.matches(".*[*?\\[].*")) {
        violations.add(Violation.of("exception-folder", line + ": the classic builder skips an excluded folder "
            + "unless an exception starts with its literal name; spell the folders out"));
      }
    }
    List<String> kept = files.stream().filter(p -> !ignore.ignores(p)).toList();
    for (String source : copySources(dockerfileText)) {
      String prefix = source.replaceFirst("^\\./", "").replaceFirst("/$", "");
      if (kept.stream().noneMatch(p -> p.equals(prefix) || p.startsWith(prefix + "/"))) {
        violations.add(Violation.of("keep", "COPY " + source + ": nothing of it is left in the build context"));
      }
    }
    return violations;
  }

  /** {@code --list [DIR]}: prints the build context of DIR (default: the working directory), one path a line. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || !args[0].equals("--list") || args.length > 2) {
      System.err.println("usage: DockerIgnore --list [DIR]");
      System.exit(2);
    }
    Path root = Path.of(args.length == 2 ? args[1] : ".").toAbsolutePath().normalize();
    DockerIgnore ignore = new DockerIgnore(Files.readString(root.resolve(".dockerignore")));
    ignore.contextFiles(repositoryFiles(root)).forEach(System.out::println);
  }
}
