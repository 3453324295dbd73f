#!/usr/bin/env python3
"""Train a GRU action classifier on Framewise's WebDataset shards with PyTorch, and export it to
ONNX in the shape `framewise export --format onnx` writes: raw features [batch, time, dim] in,
class probabilities [batch, classes] out, normalisation inside the graph, plus the sidecar JSON.

    framewise export-dataset my-project --out shards/
    python3 examples/pytorch/train_gru.py shards/ --out gru/      # gru/gru.onnx + gru/gru.json

Reads the shards with the standard library (tarfile + numpy), so only torch and numpy are needed;
the `webdataset` package reads the same files for multi-GPU / DDP training.
"""
import argparse
import glob
import io
import json
import os
import tarfile
import warnings

import numpy as np
import torch
from torch import nn


def read_shards(folder):
    """Yields (key, frames [T, D] float32, meta) for every sample of every shard, in order."""
    for path in sorted(glob.glob(os.path.join(folder, "shard-*.tar"))):
        with tarfile.open(path) as tar:
            files = {}
            for member in tar.getmembers():
                key, ext = os.path.basename(member.name).split(".", 1)
                files.setdefault(key, {})[ext] = tar.extractfile(member).read()
            for key, f in files.items():
                yield key, np.load(io.BytesIO(f["npy"])).astype(np.float32), json.loads(f["json"])


def crop(frames, length, rng=None):
    """A clip of `length` frames: random (training) or centre crop; a short one repeats its last frame."""
    if len(frames) < length:
        return np.concatenate([frames, np.repeat(frames[-1:], length - len(frames), axis=0)])
    slack = len(frames) - length
    start = rng.integers(slack + 1) if rng is not None else slack // 2
    return frames[start : start + length]


class GruHead(nn.Module):
    def __init__(self, dim, hidden, classes, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean))
        self.register_buffer("std", torch.tensor(std))
        self.gru = nn.GRU(dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, classes)

    def logits(self, x):
        _, h = self.gru((x - self.mean) / self.std)
        return self.out(h[-1])

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=-1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("shards", help="folder written by framewise export-dataset")
    p.add_argument("--out", required=True, help="folder for <name>.onnx and <name>.json")
    p.add_argument("--name", default="gru")
    p.add_argument("--clip-length", type=int, default=16)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    info = json.load(open(os.path.join(args.shards, "dataset.json")))
    classes = info["classes"]
    index = {c["id"]: i for i, c in enumerate(classes)}
    samples = [(frames, index[meta["classId"]]) for _, frames, meta in read_shards(args.shards)]
    every = np.concatenate([f for f, _ in samples])
    mean, std = every.mean(0), np.maximum(every.std(0), 1e-3)

    model = GruHead(every.shape[1], args.hidden, len(classes), mean, std)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    labels = torch.tensor([y for _, y in samples])
    losses = []
    for _ in range(args.epochs):
        x = torch.tensor(np.stack([crop(f, args.clip_length, rng) for f, _ in samples]))
        loss = nn.functional.cross_entropy(model.logits(x), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    model.eval()
    x = torch.tensor(np.stack([crop(f, args.clip_length) for f, _ in samples]))
    with torch.no_grad():
        probs = model(x)
    accuracy = (probs.argmax(-1) == labels).float().mean().item()

    os.makedirs(args.out, exist_ok=True)
    # torch warns that a GRU traced at batch 1 may not take other batches; it does (the example's
    # test runs the file on a batch of 2 in onnxruntime).
    warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size")
    onnx_file = os.path.join(args.out, f"{args.name}.onnx")
    torch.onnx.export(
        model,
        x[:1],
        onnx_file,
        input_names=["features"],
        output_names=["probabilities"],
        dynamic_axes={"features": {0: "batch", 1: "time"}, "probabilities": {0: "batch"}},
        opset_version=17,
    )
    backbone, *streams = info["featureSetId"].split("+")
    sidecar = {
        "format": "framewise-onnx-head",
        "version": 1,
        "name": args.name,
        "head": {"kind": "recurrent", "cell": "gru", "layers": 1, "hidden": args.hidden, "bidirectional": False},
        "classes": classes,
        "fps": info["fps"],
        "clipLength": args.clip_length,
        "backboneId": backbone,
        "streams": streams,
        "featureSetId": info["featureSetId"],
        "featureDim": info["featureDim"],
        "input": {"name": "features", "shape": ["batch", "time", str(info["featureDim"])], "normalized": "inside the graph"},
        "output": {"name": "probabilities", "shape": ["batch", str(len(classes))]},
        "opset": 17,
        "producer": f"examples/pytorch/train_gru.py, torch {torch.__version__}",
    }
    with open(os.path.join(args.out, f"{args.name}.json"), "w") as f:
        json.dump(sidecar, f, indent=1)
    print(json.dumps({
        "samples": len(samples),
        "firstLoss": losses[0],
        "lastLoss": losses[-1],
        "trainAccuracy": accuracy,
        "onnx": onnx_file,
        # The first sample's centre clip and its probabilities, for checking the exported file.
        "probe": {"key": next(read_shards(args.shards))[0], "probabilities": probs[0].tolist()},
    }))


if __name__ == "__main__":
    main()
