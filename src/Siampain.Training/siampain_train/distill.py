"""Mask-invariant fine-tuning of the project's ONNX embedder by self-distillation.

The ONNX graph is executed by a small torch module (only the operators the imported MobileFaceNet uses), its
initializers becoming parameters. A frozen copy is the teacher; the student starts equal to it and learns to give a
masked face the teacher's embedding of the same face unmasked, while keeping its clean embeddings where they were:

    loss = (1 - cos(student(mask(x)), teacher(x))) + c * (1 - cos(student(x), teacher(x)))
           + w * cross_entropy(cos(student(mask(x)), bank) / t, x's own entry)

c (--clean-weight) says how firmly clean embeddings stay where the teacher put them. The optional last term
(--contrastive w, --temperature t) also asks the masked face to be nearer its own clean embedding than the
teacher's clean embeddings of every other person in the training set (the bank, computed once; the same person's
other photos are left out, they are not negatives): closeness alone does not say the masked face stays apart from
other people's. With --masked-data, mask(x) is, with probability --masked-share, one of x's masked views written by
`siampain-models align --masked-out` (painted in C#, then detected and aligned again as the terminal does) instead of
x painted in place. With --mirror-target, teacher(x) is the normalised mean of the teacher's embeddings of x and of
its mirror image, in the loss and the bank: the student learns in one pass what embedding a face together with its
mirror image gives the teacher (a second pass at the door), and to give a face and its mirror image one embedding.
Identity is only the folder a crop sits in; any aligned crops serve. The student is exported by
writing its weights back into a copy of the original graph: the file keeps the original's inputs, outputs, layout,
operators and opset, so the terminal, the evaluation and the quantizer take it unchanged.
"""
import hashlib
import json
import os
import re
import shutil
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from . import data, masks


class GraphError(Exception):
    """An ONNX file this executor cannot run; the message names the file and the problem."""


SUPPORTED = {"Add", "Conv", "Flatten", "Min", "Mul", "Relu", "Transpose"}


def _onnx():
    # Imported late: only distillation needs python3-onnx, the Siamese recipe does not.
    import onnx
    from onnx import numpy_helper
    return onnx, numpy_helper


class OnnxGraph(nn.Module):
    """Executes an ONNX graph of the supported operators in torch; every float initializer that a Conv or Mul
    reads becomes a trainable parameter (conv weights and biases, PReLU slopes), the rest (zeros) a buffer."""

    def __init__(self, model, path="model"):
        super().__init__()
        onnx, numpy_helper = _onnx()
        graph = model.graph
        unsupported = sorted({n.op_type for n in graph.node} - SUPPORTED)
        if unsupported:
            raise GraphError(f"{path}: operators {', '.join(unsupported)} are not supported ({', '.join(sorted(SUPPORTED))} are)")
        if len(graph.input) != 1 or len(graph.output) != 1:
            raise GraphError(f"{path}: needs exactly one input and one output")
        trainable = {name for n in graph.node if n.op_type in ("Conv", "Mul") for name in n.input}
        self.names = {}
        for index, tensor in enumerate(graph.initializer):
            value = torch.from_numpy(numpy_helper.to_array(tensor).astype(np.float32).copy())
            key = f"t{index}"
            self.names[tensor.name] = key
            if tensor.name in trainable:
                self.register_parameter(key, nn.Parameter(value))
            else:
                self.register_buffer(key, value)
        self.nodes = [(n.op_type, list(n.input), list(n.output),
                       {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}) for n in graph.node]
        self.input_name = graph.input[0].name
        self.output_name = graph.output[0].name
        # The step after which each intermediate value is read no more: forward drops it there, so a batch holds
        # only what autograd keeps (nothing, under no_grad) instead of every layer's output at once.
        last_use = {name: i for i, (_, inputs, _, _) in enumerate(self.nodes) for name in inputs}
        self.released = [[name for name in inputs if last_use.get(name) == i and name != self.output_name]
                         for i, (_, inputs, _, _) in enumerate(self.nodes)]

    def tensor(self, name):
        return getattr(self, self.names[name])

    def forward(self, x):
        values = {self.input_name: x}

        def get(name):
            return values[name] if name in values else self.tensor(name)

        for (op, inputs, outputs, attributes), released in zip(self.nodes, self.released):
            a = [get(i) for i in inputs if i]
            for name in released:
                values.pop(name, None)
            if op == "Transpose":
                y = a[0].permute(*attributes["perm"])
            elif op == "Conv":
                y = _conv(a, attributes)
            elif op == "Relu":
                y = torch.relu(a[0])
            elif op == "Min":
                y = torch.minimum(a[0], a[1])
            elif op == "Mul":
                y = a[0] * a[1]
            elif op == "Add":
                y = a[0] + a[1]
            else:  # Flatten
                y = torch.flatten(a[0], start_dim=attributes.get("axis", 1))
            values[outputs[0]] = y
        return values[self.output_name]

    def trainable_from(self, first_conv):
        """Freezes every weight read before the `first_conv`-th convolution (the earlier convolutions and their
        PReLU slopes; nodes are in graph order): the early, high-resolution layers cost most of the backward pass
        and compute low-level features a mask changes least."""
        conv_positions = [i for i, node in enumerate(self.nodes) if node[0] == "Conv"]
        boundary = conv_positions[first_conv] if first_conv < len(conv_positions) else len(self.nodes)
        frozen = {name for _, inputs, _, _ in self.nodes[:boundary] for name in inputs}
        for name, key in self.names.items():
            parameter = getattr(self, key)
            if isinstance(parameter, nn.Parameter):
                parameter.requires_grad_(name not in frozen)


def _conv(a, attributes):
    top, left, bottom, right = attributes.get("pads", [0, 0, 0, 0])
    x = a[0]
    padding = 0
    if (top, left) == (bottom, right):
        padding = (top, left)
    else:
        x = F.pad(x, (left, right, top, bottom))
    return F.conv2d(x, a[1], a[2] if len(a) > 2 else None, stride=tuple(attributes.get("strides", [1, 1])),
                    padding=padding, dilation=tuple(attributes.get("dilations", [1, 1])),
                    groups=attributes.get("group", 1))


def load(path):
    """The ONNX file as (OnnxGraph, onnx ModelProto)."""
    onnx, _ = _onnx()
    if not os.path.isfile(path):
        raise GraphError(f"{path}: does not exist")
    try:
        model = onnx.load(path)
    except Exception as error:  # protobuf raises DecodeError and others for a file that is not ONNX
        raise GraphError(f"{path}: is not an ONNX model ({type(error).__name__}: {error})") from None
    return OnnxGraph(model, path), model


def save(module, model, path):
    """Writes `module`'s weights into a copy of the graph it was loaded from, through a temporary file."""
    onnx, numpy_helper = _onnx()
    copy = type(model)()
    copy.CopyFrom(model)
    for tensor in copy.graph.initializer:
        value = module.tensor(tensor.name).detach().cpu().numpy()
        tensor.CopyFrom(numpy_helper.from_array(value.astype(numpy_helper.to_array(tensor).dtype), tensor.name))
    onnx.checker.check_model(copy)
    temporary = f"{path}.partial"
    onnx.save(copy, temporary)
    os.replace(temporary, path)


def to_input(crops):
    """uint8 N x H x W x 3 crops -> the embedder's NHWC float input."""
    return (torch.from_numpy(np.ascontiguousarray(crops)).float() - data.PIXEL_MEAN) / data.PIXEL_STD


def read_crop(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def read_aligned(path):
    crop = read_crop(path)
    if crop.shape[:2] != (112, 112):
        raise data.DataError(f"{path}: is not an aligned 112x112 crop (align the photos with siampain-models align)")
    return crop


def check_reference(module, folder):
    """Cosines between the module's outputs and the committed reference outputs for the reference crops."""
    path = os.path.join(folder, "reference.json")
    if not os.path.isfile(path):
        raise GraphError(f"{path}: does not exist")
    with open(path, encoding="utf-8") as f:
        outputs = json.load(f)["outputs"]
    names = sorted(outputs)
    crops = np.stack([read_crop(os.path.join(folder, n)) for n in names])
    with torch.no_grad():
        got = module(to_input(crops))
    expected = torch.tensor([outputs[n] for n in names], dtype=torch.float32)
    return dict(zip(names, F.cosine_similarity(got.double(), expected.double()).tolist()))


def run(config, log):
    """Fine-tunes config["model"] on the aligned crops below config["data"]; writes the student to config["out"]."""
    torch.set_num_threads(config["threads"])
    torch.manual_seed(config["seed"])
    rng = np.random.default_rng(config["seed"])
    identities = data.scan(config["data"])
    names = sorted(identities)
    order = rng.permutation(len(names))
    held = max(1, round(len(names) * config["validation_share"]))
    validation_people = {names[i] for i in order[:held]}
    # Each crop with its person: the contrastive term and the held-out top-1 need to know whose face a crop is.
    train = [(p, i) for i, n in enumerate(names) if n not in validation_people for p in identities[n]]
    validation = [(p, n) for n in sorted(validation_people) for p in identities[n]][:config["validation_faces"]]
    train_paths, train_people = [p for p, _ in train], np.array([i for _, i in train])
    validation_paths, validation_owners = [p for p, _ in validation], np.array([n for _, n in validation])
    if not train_paths:
        raise data.DataError(f"{config['data']}: too few people to hold {held} out and train on the rest")
    train_crops = np.stack([read_aligned(p) for p in train_paths])
    validation_crops = np.stack([read_aligned(p) for p in validation_paths])
    validation_masked = np.stack([masks.paint(c, rng) for c in validation_crops])
    log(f"{len(train_crops)} training crops of {len(names) - held} people, {len(validation_crops)} validation crops "
        f"of {held} held-out people")
    views, views_of = (_masked_views(config["masked_data"], config["data"], train_paths, log)
                       if config.get("masked_data") else (None, None))

    teacher, model = load(config["model"])
    teacher.requires_grad_(False)
    student, _ = load(config["model"])
    student.trainable_from(config["freeze"])
    parameters = [p for p in student.parameters() if p.requires_grad]
    log(f"training {sum(p.numel() for p in parameters)} of {sum(p.numel() for p in student.parameters())} weights "
        f"(first {config['freeze']} convolutions frozen)")
    optimizer = torch.optim.Adam(parameters, lr=config["lr"])
    embed_target = _mirror_averaged(teacher) if config.get("mirror_target") else teacher
    bank = _teacher_bank(embed_target, train_crops) if config["contrastive"] > 0 else None
    os.makedirs(config["out"], exist_ok=True)
    out_path = os.path.join(config["out"], config["name"])

    def validate():
        # top1: the share of held-out masked faces whose nearest teacher clean embedding is of the same person.
        with torch.no_grad():
            target = teacher(to_input(validation_crops))
            student_masked = student(to_input(validation_masked))
            masked = F.cosine_similarity(student_masked, target).mean().item()
            clean = F.cosine_similarity(student(to_input(validation_crops)), target).mean().item()
            nearest = (F.normalize(student_masked, dim=1) @ F.normalize(target, dim=1).T).argmax(dim=1).numpy()
        top1 = float(np.mean(validation_owners[nearest] == validation_owners))
        return f"val_cos_masked {masked:.4f} val_cos_clean {clean:.4f} val_top1_masked {top1:.4f}"

    log(f"step 0 {validate()}")
    spent, step, deadline = 0.0, 0, config["minutes"] * 60
    while step < config["steps"] and spent < deadline:
        started = time.monotonic()
        picked = rng.integers(len(train_crops), size=config["batch"])
        clean = train_crops[picked].copy()
        flip = rng.random(len(clean)) < 0.5
        clean[flip] = clean[flip, :, ::-1]
        masked = np.stack([masks.paint(c, rng) for c in clean])
        if views is not None:
            # A re-detected view instead of the painted crop: it is aligned where the detector puts a masked face,
            # which is what the terminal feeds the embedder. Mirrored with its clean crop. Every crop is painted
            # above all the same: that order of random draws is what reproduces the shipped student.
            for row, crop in enumerate(picked):
                if len(views_of[crop]) and rng.random() < config["masked_share"]:
                    view = views[rng.choice(views_of[crop])]
                    masked[row] = view[:, ::-1] if flip[row] else view
        with torch.no_grad():
            target = embed_target(to_input(clean))
        out = student(to_input(np.concatenate([masked, clean])))
        n = len(clean)
        loss_masked = (1 - F.cosine_similarity(out[:n], target)).mean()
        loss_clean = (1 - F.cosine_similarity(out[n:], target)).mean()
        loss = loss_masked + config["clean_weight"] * loss_clean
        if bank is not None:
            loss = loss + config["contrastive"] * _bank_loss(out[:n], target, bank, train_people, picked, config["temperature"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        spent += time.monotonic() - started
        if step % config["log_every"] == 0:
            log(f"step {step} loss {loss.item():.4f} masked {loss_masked.item():.4f} clean {loss_clean.item():.4f} "
                f"{spent / step:.2f} s/step epoch {len(train_crops) / config['batch'] * spent / step / 60:.1f} min")
        if step % config["validate_every"] == 0:
            log(f"step {step} {validate()}")
            save(student, model, out_path)
    if step % config["validate_every"] != 0:
        log(f"step {step} {validate()}")
        save(student, model, out_path)
    log(f"wrote {out_path} after {step} steps, {spent / 60:.1f} training minutes")


def _masked_views(folder, root, train_paths, log):
    """The masked views `siampain-models align --masked-out` wrote for the training crops (PERSON/NAME_mK.png
    for PERSON/NAME.png), as one array and, per training crop, the indices of its views in it."""
    if not os.path.isdir(folder):
        raise data.DataError(f"{folder}: is not a folder")
    written = {}
    for person in sorted(os.listdir(folder)):
        if os.path.isdir(os.path.join(folder, person)):
            for name in sorted(os.listdir(os.path.join(folder, person))):
                view = re.fullmatch(r"(.+)_m\d+\.png", name)
                if view:
                    written.setdefault(os.path.join(person, view.group(1)), []).append(os.path.join(folder, person, name))
    crops, views_of = [], []
    for path in train_paths:
        found = written.get(os.path.splitext(os.path.relpath(path, root))[0], [])
        views_of.append(np.arange(len(crops), len(crops) + len(found)))
        crops.extend(read_aligned(view) for view in found)
    if not crops:
        raise data.DataError(f"{folder}: holds no masked view of a training crop (PERSON/NAME_m0.png for PERSON/NAME.png, "
                             f"as siampain-models align --masked-out writes them)")
    log(f"{len(crops)} masked views for {sum(1 for v in views_of if len(v))} of {len(train_paths)} training crops")
    return np.stack(crops), views_of


def _mirror_averaged(teacher):
    """The teacher seen with test-time mirroring: the normalised sum of its unit embeddings of a batch (NHWC) and of
    the batch mirrored left to right."""
    def embed(x):
        return F.normalize(F.normalize(teacher(x), dim=1) + F.normalize(teacher(torch.flip(x, dims=[2])), dim=1), dim=1)
    return embed


def _teacher_bank(teacher, crops, batch=128):
    """The teacher's L2-normalised clean embeddings of every training crop, one row each."""
    with torch.no_grad():
        return torch.cat([F.normalize(teacher(to_input(crops[i:i + batch])), dim=1) for i in range(0, len(crops), batch)])


def _bank_loss(masked, target, bank, people, picked, temperature):
    """Cross-entropy over the bank for each masked face: its own clean embedding (this step's, mirrored or not)
    against the other people's entries; the same person's entries are masked out of the softmax."""
    masked = F.normalize(masked, dim=1)
    negatives = masked @ bank.T
    negatives = negatives.masked_fill(torch.from_numpy(people[picked][:, None] == people[None, :]), float("-inf"))
    positive = (masked * F.normalize(target, dim=1)).sum(dim=1, keepdim=True)
    logits = torch.cat([positive, negatives], dim=1) / temperature
    return F.cross_entropy(logits, torch.zeros(len(masked), dtype=torch.long))


def models_folder(models, out, fp32, int8=None):
    """A copy of the project's models folder with the student in place of the fp32 and int8 embedder files and
    their sha256 in the manifest, for `siampain eval --models`. Every other embedder entry is dropped (its file is
    not copied), and so is the int8 entry without an int8 student, rather than left pointing at the original's
    quantized weights. Thresholds stay the original's: evaluation chooses its own."""
    manifest_path = os.path.join(models, "manifest.json")
    if not os.path.isfile(manifest_path):
        raise GraphError(f"{manifest_path}: does not exist")
    for path in (fp32, int8):
        if path is not None and not os.path.isfile(path):
            raise GraphError(f"{path}: does not exist")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(models, manifest["detector"]["file"]), out)
    manifest["embedders"] = {k: v for k, v in manifest["embedders"].items() if k in ("fp32", "int8")}
    for key, path in (("fp32", fp32), ("int8", int8)):
        entry = manifest["embedders"].get(key)
        if entry is None:
            raise GraphError(f"{manifest_path}: has no {key} embedder")
        if path is None:
            del manifest["embedders"][key]
            continue
        shutil.copy(path, os.path.join(out, entry["file"]))
        with open(path, "rb") as f:
            entry["sha256"] = hashlib.sha256(f.read()).hexdigest()
    manifest["defaultEmbedder"] = "int8" if "int8" in manifest["embedders"] else "fp32"
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
