// The Dockerfile policy: what every Dockerfile of this project must do, checked on the text, without an engine.
// Usage: node docker/checks/dockerfile-policy.mjs [docker/Dockerfile]   (exit 1 and one line per violation)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DockerfileUtils } from './dockerfile-lint.mjs';

/** Splits a Dockerfile into instructions: continuation lines joined, comments dropped, line numbers kept. */
export function parseDockerfile(text) {
  const lines = text.split(/\r?\n/);
  const directives = [];
  const instructions = [];
  let inPreamble = true;
  let current = null;
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (current === null) {
      if (/^\s*#/.test(line)) {
        const directive = inPreamble && /^\s*#\s*([a-zA-Z]+)\s*=\s*(.*)$/.exec(line);
        if (directive) {
          directives.push({ name: directive[1].toLowerCase(), value: directive[2], line: index + 1 });
        }
        return;
      }
      if (line.trim() === '') {
        inPreamble = false;
        return;
      }
      inPreamble = false;
      current = { text: '', line: index + 1 };
    } else if (/^\s*#/.test(line)) {
      return;
    }
    const continued = line.endsWith('\\');
    current.text += (continued ? line.slice(0, -1) : line) + (continued ? ' ' : '');
    if (!continued) {
      const match = /^\s*(\S+)\s*(.*)$/s.exec(current.text);
      instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: current.line });
      current = null;
    }
  });
  if (current !== null) {
    const match = /^\s*(\S+)\s*(.*)$/s.exec(current.text);
    instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: current.line });
  }
  return { directives, instructions };
}

/** Splits instruction arguments into leading --flags and the rest (words, or the JSON array in exec form). */
function flagsAndWords(args) {
  const flags = {};
  let rest = args;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!flag) {
      break;
    }
    flags[flag[1]] = flag[2] ?? true;
    rest = rest.slice(flag[0].length);
  }
  return { flags, rest, words: execForm(rest) ?? rest.split(/\s+/).filter(Boolean) };
}

function execForm(rest) {
  if (!rest.startsWith('[')) {
    return null;
  }
  try {
    const parsed = JSON.parse(rest);
    return Array.isArray(parsed) && parsed.every((w) => typeof w === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

function argDefaults(instructions) {
  const defaults = new Map();
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      break;
    }
    if (instruction.keyword === 'ARG') {
      const [name, ...value] = instruction.args.split('=');
      defaults.set(name.trim(), value.length ? value.join('=').trim().replace(/^"(.*)"$/, '$1') : null);
    }
  }
  return defaults;
}

/** A reference is pinned when it names a version (a tag with a digit, not latest) or a digest. */
export function isPinned(image) {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) {
    return true;
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) {
    return false;
  }
  const tag = image.slice(colon + 1);
  return /\d/.test(tag) && !/latest/i.test(tag);
}

function stagesOf(instructions) {
  const stages = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const { words } = flagsAndWords(instruction.args);
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ from: instruction, image: words[0], name: as >= 0 ? words[as + 1] : null, body: [] });
    } else if (stages.length) {
      stages[stages.length - 1].body.push(instruction);
    }
  }
  return stages;
}

const REQUIRED_LABELS = ['org.opencontainers.image.title', 'org.opencontainers.image.source',
  'org.opencontainers.image.version', 'org.opencontainers.image.revision'];

/** Returns the policy violations of a Dockerfile's text, each as {rule, line, message}; none means it passes. */
export function checkDockerfile(text) {
  const violations = [];
  const fail = (rule, line, message) => violations.push({ rule, line, message });
  const { directives, instructions } = parseDockerfile(text);

  for (const directive of directives) {
    if (directive.name === 'syntax') {
      fail('no-syntax-directive', directive.line, 'a "# syntax=" line makes BuildKit pull a frontend from a registry');
    }
  }
  for (const diagnostic of DockerfileUtils.validate(text)) {
    fail('lint', diagnostic.line, diagnostic.message);
  }

  const defaults = argDefaults(instructions);
  const stages = stagesOf(instructions);
  if (stages.length === 0) {
    fail('multi-stage', 1, 'no FROM instruction');
    return violations;
  }
  if (stages.length < 2) {
    fail('multi-stage', stages[0].from.line, 'build and runtime must be separate stages');
  }
  const stageNames = new Set();
  for (const stage of stages) {
    const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(stage.image ?? '');
    if (stageNames.has(stage.image) || stage.image === 'scratch') {
      // an earlier stage, or nothing at all
    } else if (!variable) {
      fail('base-image-build-arg', stage.from.line, `base image "${stage.image}" must come from a build argument`);
      if (!isPinned(stage.image)) {
        fail('pinned-from', stage.from.line, `base image "${stage.image}" is not pinned to a version`);
      }
    } else if (!defaults.has(variable[1])) {
      fail('pinned-from', stage.from.line, `build argument ${variable[1]} is not declared before the first FROM`);
    } else if (!defaults.get(variable[1]) || !isPinned(defaults.get(variable[1]))) {
      fail('pinned-from', stage.from.line,
        `build argument ${variable[1]} defaults to "${defaults.get(variable[1]) ?? ''}", not a pinned image`);
    }
    if (stage.name) {
      stageNames.add(stage.name);
    }
  }

  for (const instruction of instructions) {
    if (instruction.keyword === 'ADD') {
      fail('copy-not-add', instruction.line, 'use COPY: ADD fetches URLs and unpacks archives implicitly');
    }
  }

  for (const stage of stages) {
    checkDependencyLayer(stage, fail);
  }

  const final = stages[stages.length - 1];
  const last = (keyword) => final.body.filter((i) => i.keyword === keyword).at(-1);

  const user = last('USER');
  if (!user) {
    fail('non-root-user', final.from.line, 'the final stage has no USER, so it runs as root');
  } else if (/^(root|0)(:.*)?$/.test(user.args.trim())) {
    fail('non-root-user', user.line, `USER ${user.args} is root`);
  }

  const healthcheck = last('HEALTHCHECK');
  if (!healthcheck) {
    fail('healthcheck', final.from.line, 'the final stage has no HEALTHCHECK');
  } else {
    const { rest } = flagsAndWords(healthcheck.args);
    if (!/^CMD\s/i.test(rest)) {
      fail('healthcheck', healthcheck.line, 'HEALTHCHECK must run a command (CMD ...)');
    } else if (/\b(curl|wget)\b/.test(rest)) {
      fail('healthcheck', healthcheck.line, 'the image has no curl or wget: use bash\'s /dev/tcp or the jar\'s healthcheck command');
    }
  }

  const entrypoint = last('ENTRYPOINT');
  if (!entrypoint || !execForm(entrypoint.args)) {
    fail('exec-form-entrypoint', entrypoint?.line ?? final.from.line,
      'ENTRYPOINT must be in exec form (a JSON array), so that the JVM is PID 1 and gets SIGTERM');
  } else if (!execForm(entrypoint.args).some((w) => /^-XX:MaxRAMPercentage=/.test(w))) {
    fail('container-memory', entrypoint.line, 'the JVM must size its heap from the container limit (-XX:MaxRAMPercentage)');
  }

  if (!final.body.some((i) => i.keyword === 'EXPOSE' && /(^|\s)8080(\/tcp)?(\s|$)/.test(i.args))) {
    fail('expose', final.from.line, 'the final stage must EXPOSE 8080');
  }

  const labels = final.body.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ');
  for (const label of REQUIRED_LABELS) {
    if (!labels.includes(`${label}=`)) {
      fail('oci-labels', final.from.line, `missing label ${label}`);
    }
  }

  checkApplicationLayers(final, stageNames, fail);
  return violations;
}

/** In a stage that copies sources, the POMs are copied and dependencies resolved (a RUN) before the sources. */
function checkDependencyLayer(stage, fail) {
  const copies = stage.body.filter((i) => i.keyword === 'COPY' && !flagsAndWords(i.args).flags.from);
  const sources = (i) => flagsAndWords(i.args).words.slice(0, -1);
  const sourceCopy = copies.find((i) => sources(i).some((s) => s === '.' || s === './' || /(^|\/)src(\/|$)/.test(s)));
  if (!sourceCopy) {
    return;
  }
  const before = stage.body.slice(0, stage.body.indexOf(sourceCopy));
  const pomCopy = before.findIndex((i) => i.keyword === 'COPY' && sources(i).some((s) => /(^|\/)pom\.xml$/.test(s)));
  const resolve = pomCopy >= 0 && before.slice(pomCopy + 1).some((i) => i.keyword === 'RUN');
  if (!resolve) {
    fail('dependency-layer', sourceCopy.line,
      'copy the POMs and resolve dependencies (a RUN) before copying the sources, so a code change keeps that layer');
  }
}

/** The runtime copies the dependencies (a lib/ directory) before the application, as separate layers. */
function checkApplicationLayers(final, stageNames, fail) {
  const fromBuild = final.body.filter((i) => i.keyword === 'COPY' && stageNames.has(flagsAndWords(i.args).flags.from));
  const destination = (i) => flagsAndWords(i.args).words.at(-1);
  const lib = fromBuild.findIndex((i) => /\/lib\/?$/.test(destination(i)));
  const app = fromBuild.findIndex((i, index) => index > lib && /^\/app\/?$/.test(destination(i)));
  if (lib < 0 || app < 0) {
    fail('app-layers', final.from.line,
      'copy the dependencies (…/lib/) and then the application (/app/) from the build stage as two layers');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2] ?? 'docker/Dockerfile';
  const violations = checkDockerfile(readFileSync(path, 'utf8'));
  for (const v of violations) {
    console.error(`${path}:${v.line}: [${v.rule}] ${v.message}`);
  }
  console.log(`dockerfile-policy: ${path}: ${violations.length === 0 ? 'ok' : `${violations.length} violation(s)`}`);
  process.exit(violations.length === 0 ? 0 : 1);
}
