#!/usr/bin/python3
# Accuracy of exported ONNX models in onnxruntime (node) on the faces of a `ferkit eval` run: the
# fp32 export run by `ferkit eval` (OpenCV backend) fixes the sample list and true labels
# (predictions.csv); each model given is run by onnxruntime-node on the same faces, preprocessed as
# ferkit does (gray or RGB, resize to S, x/255, (x - mean)/std from the model's metadata), and its
# 8-way accuracy, agreement with the first model and ms/face are printed. This is how the int8
# (QDQ) export is measured: OpenCV 4.6 cannot run it, so `ferkit eval` cannot either.
#
#   build/bin/ferkit eval --model model.onnx --format ferplus --data ../shared/data/ferplus \
#       --split valid --out /tmp/eval-onnx
#   /usr/bin/python3 bench/onnx_accuracy.py /tmp/eval-onnx/predictions.csv model.onnx model-int8.onnx \
#       --data ../shared/data/ferplus [--threads 2] [--batch 64]
#
# Needs /usr/bin/python3 with onnx, numpy and PIL, node and onnxruntime-node
# ($FERKIT_CACHE/npm/node_modules/onnxruntime-node). Timing here is per batch of --batch faces
# (throughput); bench/compare_backends.sh gives batch-1 and batch-8 latency.
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from PIL import Image

CLASSES = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def metadata(path):
    m = onnx.load(path, load_external_data=False)
    return {p.key: p.value for p in m.metadata_props}


def preprocess(paths, meta):
    size = int(meta["ferkit.input_size"])
    channels = int(meta["ferkit.in_channels"])
    mean = np.array(json.loads(meta["ferkit.mean"]), dtype=np.float32)
    std = np.array(json.loads(meta["ferkit.std"]), dtype=np.float32)
    if mean.size == 1:
        mean = np.repeat(mean, channels)
        std = np.repeat(std, channels)
    out = np.empty((len(paths), channels, size, size), dtype=np.float32)
    for i, p in enumerate(paths):
        im = Image.open(p).convert("L" if channels == 1 else "RGB")
        if im.size != (size, size):
            im = im.resize((size, size), Image.BILINEAR)
        a = np.asarray(im, dtype=np.float32) / 255.0
        a = a[None] if channels == 1 else a.transpose(2, 0, 1)
        out[i] = (a - mean[:, None, None]) / std[:, None, None]
    return out


def run_ort(model, x, threads, batch, tmp):
    script = os.path.join(ROOT, "tests", "export", "run_onnx.js")
    logits, ms = [], 0.0
    for start in range(0, len(x), batch):
        b = np.ascontiguousarray(x[start:start + batch])
        b.tofile(os.path.join(tmp, "in.bin"))
        shape = ",".join(str(d) for d in b.shape)
        r = subprocess.run(["node", script, model, os.path.join(tmp, "in.bin"), shape, os.path.join(tmp, "out"),
                            str(threads), "1"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"onnxruntime-node failed on {model}: {r.stderr.strip()}")
        ms += json.loads(r.stdout.strip().splitlines()[-1])["ms_per_run"]
        logits.append(np.fromfile(os.path.join(tmp, "out.logits.bin"), dtype=np.float32).reshape(len(b), -1))
    return np.concatenate(logits), ms / len(x)


def main():
    ap = argparse.ArgumentParser(description="Accuracy of exported ONNX models in onnxruntime-node on the faces of a ferkit eval run")
    ap.add_argument("predictions", help="predictions.csv of a `ferkit eval --out DIR` run")
    ap.add_argument("models", nargs="+", help="ONNX models written by `ferkit export`")
    ap.add_argument("--data", default="", help="dataset root the predictions' paths are relative to")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    a = ap.parse_args()
    with open(a.predictions) as f:
        rows = list(csv.DictReader(f))
    paths = [os.path.join(a.data, r["path"]) for r in rows]
    labels = np.array([CLASSES.index(r["true_label"]) for r in rows])
    # ferkit eval's prediction: the argmax of its 8 probabilities.
    reference = np.array([int(np.argmax([float(r["p_" + c]) for c in CLASSES])) for r in rows])
    print(f"{len(rows)} faces from {a.predictions}; `ferkit eval` accuracy (its backend): "
          f"{np.mean(reference == labels):.4f}")
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        for model in a.models:
            meta = metadata(model)
            x = preprocess(paths, meta)
            z, ms = run_ort(model, x, a.threads, a.batch, tmp)
            pred = z.argmax(1)
            if first is None:
                first = pred
            print(f"{os.path.basename(model):<28} weights {meta.get('ferkit.weights', '?'):<8} "
                  f"acc {np.mean(pred == labels):.4f}  agreement with {os.path.basename(a.models[0])} "
                  f"{np.mean(pred == first):.4f}  agreement with ferkit eval {np.mean(pred == reference):.4f}  "
                  f"{ms:.3f} ms/face (onnxruntime, batch {a.batch}, {a.threads} threads)")


if __name__ == "__main__":
    main()
