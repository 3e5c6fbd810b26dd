// deploy/images/: the Containerfiles can only be built by a container engine (none here), so
// this checks what can go wrong without one: pinned base images and tools, sources that
// exist in the repository, and tags that match what the manifests pull.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import ts from 'typescript';
import { execFileSync } from 'node:child_process';
import { backendNodeFlags } from '../test/support/backend-node-flags.ts';
import { DEPLOY_DIR, REPO_ROOT, find, render } from './test-support/render.ts';

const CONTAINERFILES = {
  backend: join(DEPLOY_DIR, 'images/Containerfile.backend'),
  agent: join(DEPLOY_DIR, 'images/Containerfile.agent'),
} as const;

interface Instruction {
  op: string;
  args: string;
}

/** Instructions of a Containerfile, continuation lines joined, comments dropped. */
function instructions(file: string): Instruction[] {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

function args(ins: Instruction[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const i of ins.filter((x) => x.op === 'ARG')) {
    const [k, v] = i.args.split('=');
    if (v !== undefined) m.set(k!, v);
  }
  return m;
}

const lockedVersion = (pkg: string): string =>
  (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    }
  ).packages[`node_modules/${pkg}`]!.version;

for (const [name, file] of Object.entries(CONTAINERFILES)) {
  test(`Containerfile.${name}: base images and tools are pinned`, () => {
    const ins = instructions(file);
    const vars = args(ins);
    const froms = ins.filter((i) => i.op === 'FROM');
    assert.ok(froms.length >= 2, 'multi-stage: a build stage and a runtime stage');
    const stages = new Set<string>();
    for (const from of froms) {
      const [ref, as, stage] = from.args.split(/\s+/);
      const image = ref!.replace(/\$\{(\w+)\}/g, (_, v: string) => vars.get(v) ?? `<unset ${v}>`);
      if (!stages.has(image)) {
        assert.match(image, /^[\w.-]+(\/[\w.-]+)+:[\w][\w.-]*$/, `${image}: registry/name:tag`);
        assert.ok(!image.endsWith(':latest'), image);
      }
      if (as?.toUpperCase() === 'AS' && stage) stages.add(stage);
    }
    // tsx runs the TypeScript in the image: the same version as the repository's lock.
    assert.equal(vars.get('TSX_VERSION'), lockedVersion('tsx'));
    assert.deepEqual(
      ins.filter((i) => i.op === 'CMD').map((i) => JSON.parse(i.args) as string[]),
      [['tsx', `${name === 'agent' ? 'agent' : 'server'}/src/main.ts`]],
    );
    // npm installs from the lock, never a bare `npm install` of the project.
    for (const run of ins.filter((i) => i.op === 'RUN' && /\bnpm (install|i)\b/.test(i.args))) {
      assert.match(run.args, /npm install -g [^&]*tsx@\$\{TSX_VERSION\}/, run.args);
    }
    assert.ok(ins.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args)));
  });

  test(`Containerfile.${name}: every source it copies from the build context exists`, () => {
    for (const copy of instructions(file).filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const parts = copy.args.split(/\s+/);
      for (const src of parts.slice(0, -1)) {
        assert.ok(existsSync(join(REPO_ROOT, src)), `${src} (COPY ${copy.args})`);
      }
    }
  });
}

test('Containerfile.agent builds the eBPF object and helper with make -C agent and ships both', () => {
  const ins = instructions(CONTAINERFILES.agent);
  assert.ok(ins.some((i) => i.op === 'RUN' && /make -C agent\b/.test(i.args)));
  const shipped = ins.filter((i) => i.op === 'COPY' && i.args.startsWith('--from=build')).map((i) => i.args);
  assert.ok(
    shipped.some(
      (a) => a.includes('agent/build/flows.bpf.o') && a.includes('agent/build/interflow-agent-helper'),
    ),
  );
  // the runtime stage has the helper's shared libraries
  assert.ok(
    ins.some(
      (i) => i.op === 'RUN' && /libbpf1/.test(i.args) && /libelf1/.test(i.args) && /zlib1g/.test(i.args),
    ),
  );
});

test('Containerfile.backend builds the web bundle and keeps production dependencies only', () => {
  const runs = instructions(CONTAINERFILES.backend)
    .filter((i) => i.op === 'RUN')
    .map((i) => i.args)
    .join('\n');
  assert.match(runs, /npm run build:web/);
  // After the bundle, node_modules is made anew with the server's production dependencies alone.
  assert.match(runs, /rm -rf node_modules && npm ci --omit=dev [^&]*--workspace @interflow\/server/);
  const env = instructions(CONTAINERFILES.backend)
    .filter((i) => i.op === 'ENV')
    .map((i) => i.args)
    .join(' ');
  assert.match(env, /INTERFLOW_HOST=0\.0\.0\.0/);
  assert.match(env, /INTERFLOW_PORT=9001/);
  // The image runs the backend with the node flags of `npm run server` (heap and young generation).
  assert.equal(/NODE_OPTIONS="([^"]*)"/.exec(env)?.[1], backendNodeFlags().join(' '));
  assert.match(readFileSync(CONTAINERFILES.backend, 'utf8'), /^USER 1001$/m);
});

test('the manifests pull the images these files build, tagged with the package version', () => {
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
  const objects = render('base');
  const image = (kind: string, name: string) =>
    (find(objects, kind, name).spec as { template: { spec: { containers: { image: string }[] } } }).template
      .spec.containers[0]!.image;
  assert.equal(image('Deployment', 'interflow-plugin'), `quay.io/interflow/interflow-backend:v${version}`);
  assert.equal(image('DaemonSet', 'interflow-agent'), `quay.io/interflow/interflow-agent:v${version}`);
  for (const [name, file] of Object.entries(CONTAINERFILES)) {
    assert.match(
      readFileSync(file, 'utf8'),
      new RegExp(`-t quay\\.io/interflow/interflow-${name}:v${version.replace(/\./g, '\\.')} `),
    );
  }
});

/**
 * Files and packages a TypeScript entry point loads at run time: relative imports followed
 * transitively, type-only imports left out (tsx erases them).
 */
function runtimeClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(REPO_ROOT, entry)];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    assert.ok(existsSync(file), `${file} (imported) does not exist`);
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const specifiers: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const typeOnly =
          clause?.isTypeOnly ||
          (clause &&
            !clause.name &&
            clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly));
        if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        if (!node.isTypeOnly) specifiers.push(node.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        specifiers.push(node.arguments[0].text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const spec of specifiers) {
      if (spec.startsWith('.')) queue.push(resolvePath(dirname(file), spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        const workspace = WORKSPACES[name];
        // A workspace package is our own source: follow it (its exports name a .ts file).
        if (workspace) queue.push(join(REPO_ROOT, workspace, workspaceEntry(workspace)));
        else packages.add(`${relative(REPO_ROOT, file).split('/')[0]}:${name}`);
      }
    }
  }
  return { files, packages };
}

// A CommonJS module whose declarations say `export default`: required, so the types match what runs.
const dockerignore = createRequire(import.meta.url)(
  '@balena/dockerignore',
) as typeof import('@balena/dockerignore').default;

const IMAGE_ENTRIES = { backend: 'server/src/main.ts', agent: 'agent/src/main.ts' } as const;

interface PackageJson {
  name: string;
  workspaces?: string[];
  exports?: { '.': string };
  dependencies?: Record<string, string>;
}
const readPackage = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as PackageJson;

/** npm workspace package name → its folder. */
const WORKSPACES: Record<string, string> = Object.fromEntries(
  (readPackage('.').workspaces ?? []).map((dir) => [readPackage(dir).name, dir]),
);
const workspaceEntry = (dir: string): string => readPackage(dir).exports?.['.'] ?? 'index.js';

/** Repository paths the runtime stage takes from the build stage (`COPY --from=build /src/X … ./`). */
function copiedFromBuild(file: string): string[] {
  return instructions(file)
    .filter((i) => i.op === 'COPY' && i.args.startsWith('--from=build'))
    .flatMap((i) => i.args.split(/\s+/).slice(1, -1))
    .map((src) => relative('/src', src));
}

for (const [name, entry] of Object.entries(IMAGE_ENTRIES)) {
  test(`${name} image: everything ${entry} loads is copied into the image and a production dependency of its workspace`, () => {
    const copied = copiedFromBuild(CONTAINERFILES[name as keyof typeof CONTAINERFILES]);
    const { files, packages } = runtimeClosure(entry);
    assert.ok(files.size > 1, `${entry} imports nothing?`);
    assert.ok(
      [...files].some((f) => relative(REPO_ROOT, f).startsWith('contract/')),
      `${entry} loads nothing of the contract?`,
    );
    for (const f of files) {
      const rel = relative(REPO_ROOT, f);
      assert.ok(
        copied.some((path) => rel === path || rel.startsWith(`${path}/`)),
        `${rel} is loaded at run time but not copied into the image`,
      );
      assert.ok(!/\.test\.ts$/.test(rel), `${rel}: a test file is loaded at run time`);
    }
    // Each package is a production dependency of the workspace whose file imports it
    // (npm ci --omit=dev --workspace installs exactly those).
    for (const entry of packages) {
      const [dir, pkg] = entry.split(':') as [string, string];
      assert.ok(
        pkg in (readPackage(dir).dependencies ?? {}),
        `${pkg} is loaded at run time by ${dir}/ but is not in ${dir}/package.json dependencies`,
      );
    }
  });

  test(`${name} image: only product code reaches it (.containerignore leaves out tests, doubles, harnesses, benchmarks)`, () => {
    const ignore = dockerignore().add(
      readFileSync(join(REPO_ROOT, '.containerignore'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#')),
    );
    const context = repositoryFiles().filter((f) => !ignore.ignores(f));
    const copied = copiedFromBuild(CONTAINERFILES[name as keyof typeof CONTAINERFILES]);
    const shipped = context.filter((f) => copied.some((path) => f === path || f.startsWith(`${path}/`)));
    assert.ok(
      shipped.some((f) => f === entry),
      `${entry} is not shipped`,
    );
    const TEST_ONLY = /(^|\/)(test|bench|test-support)\/|\.(test|bench)\.tsx?$|(^|\/)stand-in-|-harness\.ts$/;
    assert.deepEqual(
      shipped.filter((f) => TEST_ONLY.test(f)),
      [],
      'test-only files would be in the image',
    );
    // The check can fail: the same copy without .containerignore would ship tests.
    const unfiltered = repositoryFiles().filter((f) => copied.some((path) => f.startsWith(`${path}/`)));
    assert.ok(
      unfiltered.some((f) => TEST_ONLY.test(f)),
      'no test file beside the shipped sources: the check proves nothing',
    );
  });
}

/** The repository's files (tracked or not ignored), relative to its root. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.split('\0').filter((f) => f && existsSync(join(REPO_ROOT, f)));
}
