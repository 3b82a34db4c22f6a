"""PyTorch side of `headstart bench throughput --twin torch`: a long-lived child fed JSON lines.

One request per stdin line, one JSON reply per stdout line (diagnostics go to stderr):
  {"op": "hello"}                                  -> torch version, threads, BLAS library loaded
  {"op": "build", "network": ..., "config": ..., "head": ..., "outputs": ..., "embedding": ...,
   "headLayers": {className: getConfig()}, "batch": 64, "inferenceBatch": 256, "seed": 7, "lr": 1e-3,
   "expected": {"backbone": n, "headTrainable": n, "headNonTrainable": n}}
                                                   -> parameter counts and whether they equal headstart's
  {"op": "train" | "infer", "warmup": 2, "seconds": 1.5, "minSteps": 3}
                                                   -> per-step wall seconds (same loop as benchmarks/harness/timing.ts)
  {"op": "memory"}                                 -> peak RSS of this process (getrusage ru_maxrss)
A failed request answers {"ok": false, "error": "..."}; the process keeps serving.

Set OPENBLAS_NUM_THREADS=1 and OMP_WAIT_POLICY=passive in its environment (the caller does); the
torch thread count comes from --threads (default 2).
"""
import argparse
import json
import os
import resource
import sys
import time
import traceback

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import count  # noqa: E402
from next_item import NextItemHead  # noqa: E402
from nextitnet import Nextitnet  # noqa: E402
from patch_mixer import LinearForecastHead, PatchMixer  # noqa: E402
from sasrec import Sasrec  # noqa: E402

# Keyed by the tfjs network's name (tf.model({name})) and the head id, so no backbone id is listed here.
NETWORKS = {"patch_mixer": PatchMixer, "sasrec_features": Sasrec, "nextitnet_features": Nextitnet}


def make_head(req: dict):
    if req["head"] == "linear-forecast":
        return LinearForecastHead(req["embedding"], req["outputs"], req["config"]["contextLength"])
    if req["head"] == "next-item":
        return NextItemHead(req["embedding"], req["outputs"], req["headLayers"]["HeadstartNextItemScorer"])
    raise ValueError(f"no PyTorch twin of head {req['head']}")


def blas_library() -> str:
    """Which BLAS the process mapped: Debian's torch reports generic BLAS yet loads OpenBLAS when installed."""
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return "unknown"
    for name in ("openblas", "blis", "mkl", "libblas"):
        if name in maps:
            return name
    return "unknown"


class Cell:
    def __init__(self, req: dict):
        torch.manual_seed(req["seed"])
        network = NETWORKS.get(req["network"])
        if network is None:
            raise ValueError(f"no PyTorch twin of network {req['network']}")
        self.backbone = network(req["config"])
        self.head = make_head(req)
        self.input = self.backbone.example_input(req["batch"], req["seed"])
        self.infer_input = self.backbone.example_input(req["inferenceBatch"], req["seed"] + 3)
        self.target = self.head.example_target(req["batch"], req["seed"] + 2)
        self.batch, self.infer_batch = req["batch"], req["inferenceBatch"]
        params = [*self.backbone.parameters(), *self.head.parameters()]
        self.opt = torch.optim.Adam(params, lr=req["lr"])
        self.loss = float("nan")

    def parameters(self, expected: dict) -> dict:
        b, h = count(self.backbone), count(self.head)
        ours = {"backbone": b["trainable"] + b["nonTrainable"], "headTrainable": h["trainable"], "headNonTrainable": h["nonTrainable"]}
        mismatch = {k: [v, ours[k]] for k, v in expected.items() if ours.get(k) != v}
        return {"parameters": ours, "match": not mismatch, "mismatch": mismatch}

    def train(self) -> None:
        self.backbone.train()
        self.head.train()
        self.opt.zero_grad(set_to_none=True)
        loss = self.head.loss(self.head(self.backbone(self.input), self.input), self.target)
        loss.backward()
        self.opt.step()
        self.loss = loss.item()

    def infer(self) -> None:
        self.backbone.eval()
        self.head.eval()
        with torch.inference_mode():
            y = self.head(self.backbone(self.infer_input), self.infer_input)
            float(y[0, 0])


def timed(step, warmup: int, seconds: float, min_steps: int) -> dict:
    warm = []
    for _ in range(warmup):
        t0 = time.perf_counter()
        step()
        warm.append(time.perf_counter() - t0)
    steps, total = [], 0.0
    while total < seconds or len(steps) < min_steps:
        t0 = time.perf_counter()
        step()
        steps.append(time.perf_counter() - t0)
        total += steps[-1]
    return {"warmupSeconds": warm, "stepSeconds": steps}


def serve(threads: int) -> None:
    torch.set_num_threads(threads)
    cell = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req["op"]
            if op == "hello":
                reply = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library()}
            elif op == "build":
                cell = Cell(req)
                reply = cell.parameters(req.get("expected", {}))
                if not reply["match"]:
                    print(f"PARAMETER MISMATCH for {req['network']} + {req['head']}: {reply['mismatch']} (headstart, torch)", file=sys.stderr)
            elif op in ("train", "infer"):
                if cell is None:
                    raise ValueError("build a cell first")
                reply = timed(cell.train if op == "train" else cell.infer, req["warmup"], req["seconds"], req["minSteps"])
                if op == "train":
                    reply["loss"] = cell.loss
            elif op == "memory":
                reply = {"maxRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
            else:
                raise ValueError(f"unknown op {op}")
            reply["ok"] = True
        except Exception as err:  # a bad request must not kill the child: the caller reports it per cell
            traceback.print_exc(file=sys.stderr)
            reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    serve(parser.parse_args().threads)
