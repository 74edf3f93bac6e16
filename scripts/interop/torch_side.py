#!/usr/bin/env python3
"""The PyTorch side of ModeLattice's interop suite (Tests/InteropTests).

Usage: torch_side.py WORKDIR

WORKDIR holds manifest.json and the models and inputs ModeLattice wrote (safetensors, .npy). For
each task of the manifest this script computes the same quantity with PyTorch and writes it as
.npy beside them; the Swift suite then compares. Tasks:

  forward   load a ModeLattice model file into a torch module with load_state_dict(strict=True);
            write logits [N, K], per-example cross-entropy [N] and input gradients
            dCE_i/dx_i [N, ...] of the given inputs and targets.
  segment   CE of one class at the 250 points x(t) = A + t (C - A), t = i/249, endpoints included.
  bypass    `steps` Adam steps of the barrier bypass of Vrabel et al. (ICLR 2025, Sec. 3.2) as the
            paper describes it: from x = B minimize CE(x) + 0.1 mean((x-B)^2) + 1e-8 TV(x-B), the
            gradient projected orthogonal to v = C - A, g <- g - (g.v / v.v) v, before each step of
            torch.optim.Adam(lr=0.005). TV is the anisotropic total variation of the image
            (sum of absolute horizontal and vertical neighbour differences).
  export    build a torch model of the spec with torch.manual_seed(seed) initialization (plus
            random BatchNorm statistics), save its state_dict with safetensors.torch.save_file,
            and write its logits on the given inputs, for ModeLattice to load and compare.

The models are built here from ModeLattice's architecture specs (mlp:..., cnn:..., resnet18-cifar)
with module names that match its state_dict names. Deterministic: float32, one thread, fixed seeds.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)
torch.use_deterministic_algorithms(True)


# -- models from ModeLattice specs ------------------------------------------------------------

def _fields(text, keys):
    """'32k5s2p1' -> {'': 32, 'k': 5, 's': 2, 'p': 1}."""
    out, key, digits = {}, "", ""
    for ch in text + "\0":
        if ch.isdigit():
            digits += ch
            continue
        if key not in keys or not digits:
            raise ValueError(f"cannot parse layer fields '{text}'")
        out[key] = int(digits)
        key, digits = ch, ""
    return out


def build_mlp(widths, activation):
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU}[activation]
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(act())
    return nn.Sequential(*layers), (widths[0],)


def build_cnn(shape, tokens):
    c, h, w = shape
    layers = []
    flat = None
    for token in tokens:
        head = token[0]
        if head == "c":
            body, bias = token[1:], True
            if body.endswith("n"):
                body, bias = body[:-1], False
            f = _fields(body, {"", "k", "s", "p"})
            k, s, p = f["k"], f.get("s", 1), f.get("p", 0)
            layers.append(nn.Conv2d(c, f[""], k, stride=s, padding=p, bias=bias))
            c, h, w = f[""], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif head in "ma":
            f = _fields(token[1:], {"", "s", "p"})
            k = f[""]
            s, p = f.get("s", k), f.get("p", 0)
            pool = nn.MaxPool2d if head == "m" else nn.AvgPool2d
            layers.append(pool(k, stride=s, padding=p))
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif head == "b":
            layers.append(nn.BatchNorm2d(c))
        elif head in "rtg":
            layers.append({"r": nn.ReLU, "t": nn.Tanh, "g": nn.GELU}[head]())
        elif head == "f":
            layers.append(nn.Flatten())
            flat = c * h * w
        elif head == "l":
            o = int(token[1:])
            layers.append(nn.Linear(flat, o))
            flat = o
        else:
            raise ValueError(f"unknown layer token '{token}'")
    return nn.Sequential(*layers), tuple(shape)


class BasicBlock(nn.Module):
    """out = relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut(x)), He et al. 2016."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet18Cifar(nn.Module):
    """ResNet-18 with the CIFAR stem (3x3 conv, stride 1, no max-pool); torchvision's names."""

    def __init__(self, classes=10, width=64, channels=3):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        c = width
        for stage in range(4):
            o = width << stage
            blocks = [BasicBlock(c, o, 2 if stage > 0 else 1), BasicBlock(o, o, 1)]
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
            c = o
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build(spec):
    """(module, input shape) of a ModeLattice spec."""
    parts = spec.split(":")
    if parts[0] == "mlp":
        return build_mlp([int(w) for w in parts[1].split("-")], parts[2] if len(parts) > 2 else "relu")
    if parts[0] == "cnn":
        return build_cnn([int(d) for d in parts[1].split("x")], parts[2].split("-"))
    if parts[0] == "resnet18-cifar":
        options = dict(kv.split("=") for kv in parts[1].split(",")) if len(parts) > 1 else {}
        shape = tuple(int(d) for d in options.get("input", "3x32x32").split("x"))
        model = ResNet18Cifar(int(options.get("num_classes", 10)), int(options.get("width", 64)), shape[0])
        return model, shape
    raise ValueError(f"spec '{spec}' is not supported by the interop script")


def load_model(path, spec):
    model, shape = build(spec)
    model.load_state_dict(load_file(path), strict=True)
    return model.eval(), shape


# -- tasks ------------------------------------------------------------------------------------

def npy(workdir, name):
    return torch.from_numpy(np.load(os.path.join(workdir, name)))


def save(workdir, name, tensor):
    np.save(os.path.join(workdir, name), tensor.detach().cpu().numpy())


def forward_task(workdir, task):
    model, shape = load_model(os.path.join(workdir, task["model"]), task["spec"])
    x = npy(workdir, task["inputs"]).reshape((-1,) + shape).clone().requires_grad_(True)
    y = npy(workdir, task["targets"]).long()
    logits = model(x)
    losses = F.cross_entropy(logits, y, reduction="none")
    # Each example's loss depends on its own input only, so d(sum)/dx_i = dCE_i/dx_i.
    (gradient,) = torch.autograd.grad(losses.sum(), x)
    save(workdir, task["out"] + "_logits.npy", logits)
    save(workdir, task["out"] + "_losses.npy", losses)
    save(workdir, task["out"] + "_gradients.npy", gradient.reshape(x.shape[0], -1))


def segment_task(workdir, task):
    model, shape = load_model(os.path.join(workdir, task["model"]), task["spec"])
    a, c = npy(workdir, task["a"]), npy(workdir, task["c"])
    n = task["points"]
    t = torch.arange(n, dtype=torch.float64).div(n - 1).float()[:, None]
    points = a[None, :] + t * (c - a)[None, :]
    points[0], points[-1] = a, c
    with torch.no_grad():
        logits = model(points.reshape((n,) + shape))
        losses = F.cross_entropy(logits, torch.full((n,), task["target"], dtype=torch.long), reduction="none")
    save(workdir, task["out"] + "_losses.npy", losses)


def total_variation(d):
    """Sum over channels of |horizontal| + |vertical| neighbour differences of d [C, H, W]."""
    return (d[..., :, 1:] - d[..., :, :-1]).abs().sum() + (d[..., 1:, :] - d[..., :-1, :]).abs().sum()


def bypass_task(workdir, task):
    model, shape = load_model(os.path.join(workdir, task["model"]), task["spec"])
    image = tuple(task["image"])                      # the [C, H, W] the TV term sees
    a, b, c = (npy(workdir, task[k]) for k in ("a", "b", "c"))
    v = c - a
    target = torch.tensor([task["target"]])
    x = b.clone().requires_grad_(True)
    adam = torch.optim.Adam([x], lr=task["learning_rate"])
    for _ in range(task["steps"]):
        adam.zero_grad()
        d = x - b
        loss = (F.cross_entropy(model(x.reshape((1,) + shape)), target)
                + task["deviation_weight"] * d.pow(2).mean()
                + task["tv_weight"] * total_variation(d.reshape(image)))
        loss.backward()
        with torch.no_grad():
            g = x.grad
            g -= (g @ v) / (v @ v) * v
        adam.step()
    save(workdir, task["out"] + "_point.npy", x)


def export_task(workdir, task):
    torch.manual_seed(task["seed"])
    model, shape = build(task["spec"])
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.normal_(1, 0.1)
                m.bias.normal_(0, 0.1)
                m.num_batches_tracked.fill_(7)
    model.eval()
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    metadata = {"spec": task["spec"]} if task.get("with_spec", True) else None
    save_file(state, os.path.join(workdir, task["file"]), metadata=metadata)
    x = npy(workdir, task["inputs"]).reshape((-1,) + shape)
    with torch.no_grad():
        save(workdir, task["out"] + "_logits.npy", model(x))


TASKS = {"forward": forward_task, "segment": segment_task, "bypass": bypass_task, "export": export_task}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: torch_side.py WORKDIR")
    workdir = sys.argv[1]
    with open(os.path.join(workdir, "manifest.json")) as f:
        manifest = json.load(f)
    for task in manifest["tasks"]:
        TASKS[task["kind"]](workdir, task)
    with open(os.path.join(workdir, "versions.json"), "w") as f:
        json.dump({"torch": torch.__version__, "numpy": np.__version__}, f)


if __name__ == "__main__":
    main()
