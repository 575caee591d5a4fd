"""ONNX export of a checkpoint: the twin branch as an embedder, the head on its own, and a models manifest that
lets the project's quantizer (and the rest of the C# side) read the embedder like the pretrained one."""
import hashlib
import json
import os

import torch
from torch import nn

from . import data, masks, model as nets, train

# ONNX Runtime's QDQ fusion and the project's quantizer (per-axis QuantizeLinear) work at opset 13.
OPSET = 13


class ExportError(Exception):
    """An export that cannot be done; the message names the file and the problem."""


class Probability(nn.Module):
    """The head with its sigmoid: two embeddings in, the probability of the same person out."""

    def __init__(self, head):
        super().__init__()
        self.head = head

    def forward(self, first, second):
        return torch.sigmoid(self.head(first, second))


def run(checkpoint_path, out, models_folder, name, log):
    state = train.load_checkpoint(checkpoint_path)
    config = state["config"]
    size = config["input_size"]
    network = nets.Siamese(config["architecture"], size)
    network.load_state_dict(state["model"])
    network.eval()
    os.makedirs(out, exist_ok=True)

    embedder_file, head_file = f"{name}.onnx", f"{name}-head.onnx"
    features = nets.feature_size(size)
    # Eval mode lets the exporter fold every batch norm into its conv: the graph is Conv, Relu, MaxPool, Flatten.
    _export(network.backbone, (torch.zeros(1, 3, size, size),), os.path.join(out, embedder_file),
            ["input"], ["embedding"], {"input": {0: "batch"}, "embedding": {0: "batch"}})
    _export(Probability(network.head), (torch.zeros(1, features), torch.zeros(1, features)),
            os.path.join(out, head_file), ["first", "second"], ["same"],
            {"first": {0: "batch"}, "second": {0: "batch"}, "same": {0: "batch"}})

    manifest = _manifest(models_folder, out, name, embedder_file, size, features, config, state["step"])
    temporary = os.path.join(out, "manifest.json.partial")
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(manifest, stream, indent=2)
    os.replace(temporary, os.path.join(out, "manifest.json"))
    log(f"wrote {embedder_file} (input [N,3,{size},{size}], embedding [N,{features}]), {head_file} and manifest.json "
        f"in {out} from step {state['step']}")


def _export(module, example, path, inputs, outputs, axes):
    temporary = f"{path}.partial"
    torch.onnx.export(module, example, temporary, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    os.replace(temporary, path)


def _manifest(models_folder, out, name, embedder_file, size, features, config, step):
    """A manifest for the output folder: the project's detector (by a path relative to the output folder, not a
    copy) and the new embedder, aligned with the ArcFace template scaled to the input size, which is how the
    training crops are framed."""
    source = os.path.join(models_folder, "manifest.json")
    try:
        with open(source, encoding="utf-8") as stream:
            detector = json.load(stream)["detector"]
    except (OSError, ValueError, KeyError) as error:
        raise ExportError(f"{source}: cannot read the detector entry ({error})") from None
    detector["file"] = os.path.relpath(os.path.join(models_folder, detector["file"]), out)
    template = [masks.LEFT_EYE, masks.RIGHT_EYE, masks.NOSE, masks.LEFT_MOUTH, masks.RIGHT_MOUTH]
    with open(os.path.join(out, embedder_file), "rb") as stream:
        sha256 = hashlib.sha256(stream.read()).hexdigest()
    return {
        "detector": detector,
        "embedders": {
            name: {
                "input": "input",
                "output": "embedding",
                "size": size,
                "dimensions": features,
                "normalization": {"mean": data.PIXEL_MEAN, "std": data.PIXEL_STD},
                "alignmentTemplate": [round(float(v) * size, 4) for point in template for v in point],
                "file": embedder_file,
                "sha256": sha256,
            },
        },
        "defaultEmbedder": name,
        "trainedWith": {"architecture": config["architecture"], "steps": step},
    }
