"""PyTorch CPU peer for `npm run bench`: the same shapes as Framewise's runs, timed here.

usage: python3 torch_peer.py features|lstm|gru  (prints one JSON line)
Random weights: only the speed is compared.
"""
import json
import os
import sys
import time

import torch

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(0)
mode = sys.argv[1]

if mode == "features":
    import torchvision

    model = torchvision.models.mobilenet_v2(weights=None).eval()
    x = torch.rand(16, 3, 224, 224)
    reps = int(os.environ.get("REPS", "4"))
    with torch.no_grad():
        model.features(x).mean((2, 3))  # warm-up
        t0 = time.perf_counter()
        for _ in range(reps):
            model.features(x).mean((2, 3))
        dt = time.perf_counter() - t0
    print(json.dumps({"fps": 16 * reps / dt, "threads": torch.get_num_threads(), "torch": torch.__version__}))
else:
    N, T, D, H, B, C = 512, 32, 1280, 256, 32, 10
    rnn = (torch.nn.LSTM if mode == "lstm" else torch.nn.GRU)(D, H, batch_first=True)
    head = torch.nn.Linear(H, C)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(N, T, D)
    y = torch.randint(0, C, (N,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(N)
        for i in range(0, N, B):
            idx = perm[i : i + B]
            out, _ = rnn(x[idx])
            loss = loss_fn(head(out[:, -1]), y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()

    epoch()  # warm-up
    t0 = time.perf_counter()
    epoch()
    train_s = time.perf_counter() - t0
    with torch.no_grad():
        t0 = time.perf_counter()
        for i in range(0, N, B):
            out, _ = rnn(x[i : i + B])
            head(out[:, -1]).softmax(-1)
        infer_s = time.perf_counter() - t0
    print(json.dumps({"epoch_s": train_s, "inference_s": infer_s, "threads": torch.get_num_threads(), "torch": torch.__version__}))
