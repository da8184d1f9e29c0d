#!/usr/bin/python3
"""PyTorch side of the model speed comparison (bench/compare_model_speed.sh).

Builds the same model as ferkit -- the torchvision backbone with the same stem change for 48x48
grayscale input, then Dropout(0.2) -> Linear(backbone_dim, 256) -> L2 normalise -> Linear(256, 8) --
checks that its parameter count equals ferkit's, and times the same work as
bench/model_speed_bench.cpp:
  train: forward + cross-entropy + backward + AdamW(lr 1e-3, wd 0.05) step on a fixed batch;
  infer: batch 1, eval mode, torch.no_grad().
Prints one JSON object per model (and writes them to --json).

  OMP_NUM_THREADS=2 /usr/bin/python3 bench/python/model_speed.py --threads 2 \
      --models mobilenetv3_small_48,resnet18_48 [--iterations N] [--expect-params a=1,b=2]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F
import torchvision.models as M


class FerNet(torch.nn.Module):
    def __init__(self, backbone, dim, dropout=0.2):
        super().__init__()
        self.backbone = backbone
        self.dropout = torch.nn.Dropout(dropout)
        self.projection = torch.nn.Linear(dim, 256)
        self.classifier = torch.nn.Linear(256, 8)

    def forward(self, x):
        f = F.normalize(self.projection(self.dropout(self.backbone(x))), dim=1)
        return self.classifier(f)


def build(arch):
    """torchvision model with ferkit's stem change and head, for 1-channel input."""
    if arch == "resnet18_48":
        m = M.resnet18(weights=None)
        m.conv1 = torch.nn.Conv2d(1, 64, 3, 1, 1, bias=False)
        m.maxpool = torch.nn.Identity()
        m.fc = torch.nn.Identity()
        return FerNet(m, 512)
    if arch == "resnet50_48":
        m = M.resnet50(weights=None)
        m.conv1 = torch.nn.Conv2d(1, 64, 3, 1, 1, bias=False)
        m.maxpool = torch.nn.Identity()
        m.fc = torch.nn.Identity()
        return FerNet(m, 2048)
    if arch in ("mobilenetv3_small_48", "mobilenetv3_large_48"):
        large = arch.startswith("mobilenetv3_large")
        m = M.mobilenet_v3_large(weights=None) if large else M.mobilenet_v3_small(weights=None)
        first = m.features[0][0]
        m.features[0][0] = torch.nn.Conv2d(1, first.out_channels, 3, 1, 1, bias=False)
        m.classifier = torch.nn.Identity()
        return FerNet(m, 960 if large else 576)
    raise SystemExit(f"model_speed.py: no PyTorch twin for '{arch}'")


def timed(fn, iterations, min_time):
    """Mean seconds per call: a fixed number of iterations, or until min_time has passed."""
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if (iterations and n >= iterations) or (not iterations and elapsed >= min_time and n >= 3):
            return elapsed / n, n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default="mobilenetv3_small_48,resnet18_48")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=0, help="fixed iteration count (0: run for --min-time)")
    ap.add_argument("--min-time", type=float, default=2.0, help="seconds per measurement when --iterations is 0")
    ap.add_argument("--expect-params", default="", help="arch=count,... as reported by ferkit; a mismatch is an error")
    ap.add_argument("--json", default="", help="also write the results to this file")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    expected = dict(kv.split("=") for kv in a.expect_params.split(",") if kv)
    results = []
    for arch in a.models.split(","):
        torch.manual_seed(0)
        net = build(arch)
        params = sum(p.numel() for p in net.parameters())
        if arch in expected and int(expected[arch]) != params:
            raise SystemExit(f"model_speed.py: {arch} has {params} parameters in PyTorch, ferkit reports {expected[arch]}")
        x = torch.randn(a.batch, 1, 48, 48)
        y = torch.randint(0, 8, (a.batch,))
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.05)
        net.train()

        def step():
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()

        for _ in range(2):
            step()
        train_s, train_n = timed(step, a.iterations, a.min_time)

        net.eval()
        x1 = torch.randn(1, 1, 48, 48)
        with torch.no_grad():
            for _ in range(5):
                net(x1)
            infer_s, infer_n = timed(lambda: net(x1), a.iterations, a.min_time / 2)
        r = {"model": arch, "params": params, "threads": torch.get_num_threads(), "batch": a.batch,
             "train_images_per_s": a.batch / train_s, "train_iterations": train_n,
             "infer_ms": infer_s * 1e3, "infer_iterations": infer_n, "torch": torch.__version__}
        print(json.dumps(r), flush=True)
        results.append(r)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
