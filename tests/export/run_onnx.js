// Runs an ONNX model in onnxruntime-node on one raw float32 input and writes every output as raw
// float32 — the peer the export tests compare OpenCV DNN and LibTorch against.
//
//   node tests/export/run_onnx.js MODEL.onnx INPUT.bin N,C,H,W OUT_PREFIX [THREADS] [REPEAT]
//
// Writes OUT_PREFIX.<output name>.bin for each output and prints one JSON line:
// {"outputs": {"logits": [2, 8], ...}, "ms_per_run": ...}. onnxruntime-node is found through
// FERKIT_CACHE (default <repo>/.cache) /npm/node_modules/onnxruntime-node. REPEAT > 1 times the
// run (for bench/compare_backends.sh); the outputs written are those of the last run.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [model, input, shapeText, outPrefix, threadsText, repeatText] = process.argv.slice(2);
  if (!model || !input || !shapeText || !outPrefix) {
    console.error('usage: run_onnx.js MODEL.onnx INPUT.bin N,C,H,W OUT_PREFIX [THREADS] [REPEAT]');
    process.exit(2);
  }
  const cache = process.env.FERKIT_CACHE || path.join(__dirname, '..', '..', '.cache');
  const ort = require(path.join(cache, 'npm', 'node_modules', 'onnxruntime-node'));
  const shape = shapeText.split(',').map(Number);
  const bytes = fs.readFileSync(input);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== 4 * count) {
    console.error(`${input}: expected ${4 * count} bytes for shape [${shape}], got ${bytes.length}`);
    process.exit(1);
  }
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const threads = Number(threadsText || 1);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
  });
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, shape)};
  const repeat = Math.max(1, Number(repeatText || 1));
  let results = await session.run(feeds);  // warm-up (and the result when repeat == 1)
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; ++i) results = await session.run(feeds);
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / repeat;
  const outputs = {};
  for (const name of session.outputNames) {
    const t = results[name];
    const f32 = t.type === 'float32' ? t.data : Float32Array.from(t.data, Number);
    fs.writeFileSync(`${outPrefix}.${name}.bin`, Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));
    outputs[name] = t.dims;
  }
  console.log(JSON.stringify({outputs, ms_per_run: ms}));
}

main().catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });
