// face-api itself (its node build with the tfjs wasm backend), run as the reference peer for the
// faceapi tests and the speed comparison. Reads images as binary PPM (P6, RGB) written by the C++
// side, so that both sides see the same decoded pixels, and prints one JSON object.
//
//   node faceapi_peer.js --cache $FERKIT_CACHE/npm --images a.ppm,b.ppm            # parity
//   node faceapi_peer.js --cache $FERKIT_CACHE/npm --crops c1.ppm,c2.ppm --repeat 50 # speed
//
// Parity output, per image: the raw tiny face detector output at input size 416 ([13,13,25],
// flattened row-major), the detections (face-api's boxes in image pixels, scores), the integer
// crop boxes face-api extracts for them (extractFaceTensors), and on each crop the 7 expression
// probabilities and the 68 tiny landmarks (crop pixels).
// Speed output: ms per face of faceExpressionNet.predictExpressions on each crop (after warm-up).
'use strict';

const fs = require('fs');
const path = require('path');

function parseArgs(argv) {
  const a = { cache: '', images: [], crops: [], repeat: 20, threads: 1 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i];
    const val = argv[i + 1];
    if (key === '--cache') a.cache = val;
    else if (key === '--images') a.images = val.split(',').filter((s) => s.length);
    else if (key === '--crops') a.crops = val.split(',').filter((s) => s.length);
    else if (key === '--repeat') a.repeat = parseInt(val, 10);
    else if (key === '--threads') a.threads = parseInt(val, 10);
    else throw new Error(`faceapi_peer.js: unknown argument ${key}`);
  }
  if (!a.cache) throw new Error('faceapi_peer.js: --cache <FERKIT_CACHE>/npm is required');
  return a;
}

// Binary PPM (P6, maxval 255): header tokens separated by whitespace, then one whitespace byte.
function readPpm(file) {
  const buf = fs.readFileSync(file);
  let pos = 0;
  const tokens = [];
  while (tokens.length < 4) {
    while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++;
    if (buf[pos] === 0x23) { while (pos < buf.length && buf[pos] !== 0x0a) pos++; continue; }
    let start = pos;
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    tokens.push(buf.toString('ascii', start, pos));
  }
  pos++;
  if (tokens[0] !== 'P6' || tokens[3] !== '255') throw new Error(`${file}: expected a P6 PPM with maxval 255`);
  const w = parseInt(tokens[1], 10);
  const h = parseInt(tokens[2], 10);
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = buf[pos + i];
  return { w, h, data };
}

async function main() {
  const args = parseArgs(process.argv);
  const modules = path.join(args.cache, 'node_modules');
  const tf = require(path.join(modules, '@tensorflow/tfjs'));
  const wasm = require(path.join(modules, '@tensorflow/tfjs-backend-wasm'));
  const faceapi = require(path.join(args.cache, 'face-api/dist/face-api.node-wasm.js'));
  wasm.setWasmPaths(path.join(modules, '@tensorflow/tfjs-backend-wasm/dist') + path.sep, false);
  if (args.threads > 0) wasm.setThreadsCount(args.threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const modelDir = path.join(args.cache, 'face-api/model');
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  await faceapi.nets.faceExpressionNet.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(modelDir);
  const out = {
    face_api: faceapi.version,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    images: [],
    crops: [],
  };

  for (const file of args.images) {
    const img = readPpm(file);
    const tensor = tf.tensor3d(img.data, [img.h, img.w, 3], 'float32');
    const netInput = await faceapi.toNetInput(tensor);
    const raw = faceapi.nets.tinyFaceDetector.forwardInput(netInput, 416);
    const rawData = Array.from(await raw.data());
    raw.dispose();
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
    const detections = await faceapi.detectAllFaces(tensor, options);
    const faces = [];
    for (const det of detections) {
      const b = det.box;
      const crop = b.clipAtImageBorders(img.w, img.h);
      const face = { box: [b.x, b.y, b.width, b.height], score: det.score,
        crop: [crop.x, crop.y, crop.width, crop.height] };
      if (crop.width > 0 && crop.height > 0) {
        const [t] = await faceapi.extractFaceTensors(tensor, [det]);
        const e = await faceapi.nets.faceExpressionNet.predictExpressions(t);
        face.expressions = faceapi.FACE_EXPRESSION_LABELS.map((k) => e[k]);
        const lm = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(t);
        face.landmarks = lm.positions.map((p) => [p.x, p.y]);
        t.dispose();
      }
      faces.push(face);
    }
    tensor.dispose();
    out.images.push({ file, width: img.w, height: img.h, raw_detector: rawData, faces });
  }

  for (const file of args.crops) {
    const img = readPpm(file);
    const t = tf.tensor3d(img.data, [img.h, img.w, 3], 'float32');
    let e = null;
    for (let i = 0; i < 3; i++) e = await faceapi.nets.faceExpressionNet.predictExpressions(t);  // warm-up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < args.repeat; i++) e = await faceapi.nets.faceExpressionNet.predictExpressions(t);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / args.repeat;
    out.crops.push({ file, ms_per_face: ms, expressions: faceapi.FACE_EXPRESSION_LABELS.map((k) => e[k]) });
    t.dispose();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(`faceapi_peer.js: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
