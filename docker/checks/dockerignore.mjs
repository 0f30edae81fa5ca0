// .dockerignore: what must stay out of the build context, and what the Dockerfile needs in it, matched with
// @balena/dockerignore (Docker's own pattern rules). The smoke test compares --list with what the engine receives.
// Usage: node docker/checks/dockerignore.mjs [--list]   (run from the repository root)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import dockerignore from '@balena/dockerignore';
import { parseDockerfile } from './dockerfile-policy.mjs';

/** Paths that must never reach the daemon, whether or not they exist right now. */
export const MUST_EXCLUDE = [
  '.git/HEAD', '.git/config',
  'target/classes/A.class', 'aggregator-core/target/aggregator-core.jar', 'aggregator-http/target/newsagg.jar',
  'aggregator-http/src/main/target/stray.class',
  '.idea/workspace.xml', 'newsagg.iml', '.vscode/settings.json', '.classpath', '.project', '.settings/x.prefs',
  'server.log', 'aggregator-http/src/main/resources/debug.log',
  '.env', '.env.local', 'aggregator-http/src/main/resources/.env', 'secrets/tls.key',
  'aggregator-http/src/main/resources/server.pem', 'aggregator-http/src/main/resources/keystore.p12',
  'docker/node_modules/ajv/package.json', 'aggregator-bench/results/baseline.json',
  'aggregator-core/src/test/java/newsagg/SomeTest.java', '.jqwik-database',
];

/** Paths the build needs (besides every path a COPY in the Dockerfile names). */
export const MUST_KEEP = [
  'pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties',
  'aggregator-core/pom.xml', 'aggregator-cache/pom.xml', 'aggregator-http/pom.xml', 'aggregator-bench/pom.xml',
  'aggregator-bench/seeder/pom.xml',
  'aggregator-core/src/main/resources/newsagg/db/migration/V1__schema.sql',
  'aggregator-http/src/main/java/newsagg/http/Main.java', 'docker/assemble.sh',
];

export function matcher(dockerignoreText) {
  const patterns = dockerignoreText.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return dockerignore({ ignorecase: false }).add(patterns);
}

/** The repository's files: tracked and untracked-but-not-git-ignored, or a plain walk without git. */
export function repositoryFiles(root) {
  try {
    const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter((p) => p && existsSync(join(root, p)));
  } catch {
    const files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (entry === '.git' || entry === 'node_modules') {
          continue;
        }
        if (statSync(path).isDirectory()) {
          walk(path);
        } else {
          files.push(relative(root, path));
        }
      }
    };
    walk(root);
    return files;
  }
}

/** The files of the build context, sorted, as the engine would receive them. */
export function contextFiles(root, dockerignoreText) {
  const ig = matcher(dockerignoreText);
  return repositoryFiles(root).filter((p) => !ig.ignores(p)).sort();
}

/** The context sources named by COPY instructions without --from (the Dockerfile's inputs). */
export function copySources(dockerfileText) {
  return parseDockerfile(dockerfileText).instructions
    .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => i.args.split(/\s+/).filter((w) => !w.startsWith('--')).slice(0, -1));
}

/** Returns the violations, each as {rule, message}; none means it passes. */
export function checkDockerignore(dockerignoreText, dockerfileText, files) {
  const violations = [];
  const ig = matcher(dockerignoreText);
  for (const path of MUST_EXCLUDE) {
    if (!ig.ignores(path)) {
      violations.push({ rule: 'exclude', message: `${path} would be sent to the daemon` });
    }
  }
  for (const path of MUST_KEEP) {
    if (ig.ignores(path)) {
      violations.push({ rule: 'keep', message: `${path} is needed by the build but excluded` });
    }
  }
  for (const line of dockerignoreText.split(/\r?\n/).map((l) => l.trim())) {
    const folder = line.startsWith('!') && line.includes('/') ? line.slice(1, line.lastIndexOf('/')) : '';
    if (/[*?[]/.test(folder)) {
      violations.push({ rule: 'exception-folder', message: `${line}: the classic builder skips an excluded folder `
        + 'unless an exception starts with its literal name; spell the folders out' });
    }
  }
  const kept = files.filter((p) => !ig.ignores(p));
  for (const source of copySources(dockerfileText)) {
    const prefix = source.replace(/^\.\//, '').replace(/\/$/, '');
    if (!kept.some((p) => p === prefix || p.startsWith(`${prefix}/`))) {
      violations.push({ rule: 'keep', message: `COPY ${source}: nothing of it is left in the build context` });
    }
  }
  return violations;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.cwd();
  const ignoreText = readFileSync(join(root, '.dockerignore'), 'utf8');
  if (process.argv[2] === '--list') {
    process.stdout.write(contextFiles(root, ignoreText).map((p) => `${p}\n`).join(''));
    process.exit(0);
  }
  const violations = checkDockerignore(ignoreText, readFileSync(join(root, 'docker/Dockerfile'), 'utf8'),
    repositoryFiles(root));
  for (const v of violations) {
    console.error(`.dockerignore: [${v.rule}] ${v.message}`);
  }
  const count = contextFiles(root, ignoreText).length;
  console.log(`dockerignore: ${violations.length === 0 ? `ok (${count} files in the context)` : `${violations.length} violation(s)`}`);
  process.exit(violations.length === 0 ? 0 : 1);
}
