"""siampain_train: train the original Siamese recipe on an identity-per-folder data set, and export it to ONNX.

Errors the user can fix (bad data, bad checkpoint) end in one "error: ..." line and exit code 2, never a traceback.
"""
import argparse
import os
import sys

from . import data, distill, export, train

# The recipe's values (batch 16, Adam lr 0.001, L2 0.01) and this tool's own defaults; see README.md.
DEFAULTS = {
    "architecture": "vgg16-bn", "input_size": 64, "crop": 1.0, "layout": "folders", "include": None,
    "steps": 1000, "minutes": None, "batch": 16, "lr": 0.001, "l2": 0.01, "mask_probability": 0.5,
    "validation_share": 0.1, "validation_pairs": 400, "log_every": 10, "validate_every": 100,
    "checkpoint_every": 50, "seed": 1, "threads": 1,
}


def parser():
    root = argparse.ArgumentParser(prog="python3 -m siampain_train", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)

    t = commands.add_parser("train", help="train (or resume) the twin network")
    t.add_argument("--data", help="data set root: one folder per person (a resumed run defaults to its checkpoint's)")
    t.add_argument("--out", required=True, help="output folder for checkpoint.pt (created; never models/ by default)")
    t.add_argument("--layout", choices=["folders", "aihub"], help="folders: photos directly in each person's folder; "
                   "aihub: photos anywhere below it, metadata files ignored")
    t.add_argument("--include", help="keep only photos whose path below the person's folder matches this shell pattern")
    t.add_argument("--architecture", choices=["vgg16-bn", "vgg11-bn"])
    t.add_argument("--input-size", type=int, help="side of the square input in pixels, a multiple of 32")
    t.add_argument("--crop", type=float, help="centred square taken from each photo, as a share of its shorter side "
                   "(0.5 for LFW deep-funneled 250x250, 1.0 for crops already aligned)")
    t.add_argument("--steps", type=int, help="total steps to reach, counting those of a resumed checkpoint")
    t.add_argument("--minutes", type=float, help="stop (validate and save) once this much training time is spent")
    t.add_argument("--batch", type=int, help="pairs per step")
    t.add_argument("--lr", type=float, help="Adam learning rate")
    t.add_argument("--l2", type=float, help="weight of the L2 penalty (sum of squared conv and linear weights)")
    t.add_argument("--mask-probability", type=float, help="chance that each face of a pair wears a synthetic mask")
    t.add_argument("--validation-share", type=float, help="share of people held out for validation")
    t.add_argument("--validation-pairs", type=int)
    t.add_argument("--log-every", type=int)
    t.add_argument("--validate-every", type=int)
    t.add_argument("--checkpoint-every", type=int)
    t.add_argument("--seed", type=int)
    t.add_argument("--threads", type=int, help="CPU threads for torch")
    t.add_argument("--resume", help="checkpoint to continue from; its settings apply unless given again here")

    e = commands.add_parser("export", help="export a checkpoint to ONNX (embedder + head) with a models manifest")
    e.add_argument("--checkpoint", required=True)
    e.add_argument("--out", required=True, help="folder for the .onnx files and manifest.json")
    e.add_argument("--models", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "models"),
                   help="the project's models folder, whose detector the manifest points at")
    e.add_argument("--name", default="siamese-fp32", help="embedder name in the manifest and file name stem")
    d = commands.add_parser("distill", help="fine-tune an ONNX embedder to be mask-invariant by self-distillation")
    d.add_argument("--model", required=True, help="the ONNX embedder to start from (teacher and initial student)")
    d.add_argument("--data", required=True, help="aligned 112x112 crops, one folder per person (siampain-models align)")
    d.add_argument("--out", required=True, help="folder for the student ONNX file (created; never models/)")
    d.add_argument("--name", default="mobilefacenet-fp32.onnx", help="file name of the student in --out")
    d.add_argument("--masked-data", help="masked views of the crops (siampain-models align --masked-out), same layout")
    d.add_argument("--mirror-target", action="store_true",
                   help="aim at the mean of the teacher's embeddings of the crop and of its mirror image")
    for key, kind, text in DISTILL_OPTIONS:
        d.add_argument(f"--{key.replace('_', '-')}", type=kind, default=DISTILL_DEFAULTS[key], help=text)

    c = commands.add_parser("check-onnx", help="run an ONNX embedder in torch and compare with reference outputs")
    c.add_argument("--model", required=True)
    c.add_argument("--reference", required=True, help="folder with reference.json (raw outputs) and its crops")

    m = commands.add_parser("models-folder", help="a copy of a models folder with student embedders, for evaluation")
    m.add_argument("--models", required=True, help="the project's models folder")
    m.add_argument("--fp32", required=True, help="the student ONNX file")
    m.add_argument("--int8", help="its int8 quantization (siampain-models quantize); without it the int8 entry is dropped")
    m.add_argument("--out", required=True, help="folder to write (never models/)")
    return root


# Distillation: Adam at a small rate keeps the student near the teacher; see README.md "Mask-invariant fine-tuning".
DISTILL_DEFAULTS = {"steps": 100000, "minutes": 20.0, "batch": 32, "lr": 1e-4, "freeze": 4, "validation_share": 0.05,
                    "validation_faces": 128, "log_every": 10, "validate_every": 100, "seed": 1, "threads": 1,
                    "contrastive": 0.0, "temperature": 0.1, "clean_weight": 1.0, "masked_share": 0.5}
DISTILL_OPTIONS = [
    ("steps", int, "stop after this many steps"),
    ("minutes", float, "stop once this much training time is spent"),
    ("batch", int, "crops per step (each seen clean and masked)"),
    ("lr", float, "Adam learning rate"),
    ("freeze", int, "number of leading convolutions kept frozen"),
    ("validation_share", float, "share of people held out to report cosines to the teacher"),
    ("validation_faces", int, "at most this many held-out crops"),
    ("log_every", int, None), ("validate_every", int, "validate and save the student every this many steps"),
    ("seed", int, None), ("threads", int, "CPU threads for torch"),
    ("contrastive", float, "weight of the term keeping a masked face nearer its own clean embedding than other people's"),
    ("temperature", float, "softmax temperature of that term"),
    ("clean_weight", float, "weight of the term keeping clean faces where the teacher puts them"),
    ("masked_share", float, "with --masked-data: chance that a masked face is one of its views rather than painted"),
]


def train_config(args):
    """Defaults, then a resumed checkpoint's settings, then what the command line says."""
    config = dict(DEFAULTS)
    if args.resume:
        config.update(train.load_checkpoint(args.resume)["config"])
    config.update({k: v for k, v in vars(args).items() if v is not None and k != "command"})
    config["resume"] = args.resume
    if "data" not in config:
        raise data.DataError("--data is required unless --resume names a checkpoint, which remembers its data set")
    for key in ("steps", "batch", "validation_pairs", "log_every", "validate_every", "checkpoint_every", "threads"):
        if config[key] < 1:
            raise data.DataError(f"--{key.replace('_', '-')} must be at least 1, not {config[key]}")
    shares = (0 < config["crop"] <= 1, 0 <= config["mask_probability"] <= 1, 0 < config["validation_share"] < 1)
    if not all(shares):
        raise data.DataError("--crop must be in (0, 1], --mask-probability in [0, 1], --validation-share in (0, 1)")
    if config["minutes"] is not None and config["minutes"] <= 0:
        raise data.DataError(f"--minutes must be positive, not {config['minutes']}")
    return config


def distill_config(args):
    config = {k: v for k, v in vars(args).items() if k != "command"}
    for key in ("steps", "batch", "validation_faces", "log_every", "validate_every", "threads"):
        if config[key] < 1:
            raise data.DataError(f"--{key.replace('_', '-')} must be at least 1, not {config[key]}")
    if not (config["minutes"] > 0 and config["lr"] > 0 and 0 < config["validation_share"] < 1 and config["freeze"] >= 0
            and config["contrastive"] >= 0 and config["temperature"] > 0 and config["clean_weight"] >= 0
            and 0 <= config["masked_share"] <= 1):
        raise data.DataError("--minutes, --lr and --temperature must be positive, --validation-share in (0, 1), "
                             "--masked-share in [0, 1], --freeze, --contrastive and --clean-weight at least 0")
    return config


def main(argv=None):
    args = parser().parse_args(argv)

    def log(line):
        print(line, flush=True)

    try:
        if args.command == "train":
            train.run(train_config(args), log)
        elif args.command == "distill":
            distill.run(distill_config(args), log)
        elif args.command == "check-onnx":
            module, _ = distill.load(args.model)
            cosines = distill.check_reference(module, args.reference)
            for name, cosine in cosines.items():
                log(f"{name} {cosine:.7f}")
            log(f"min cosine {min(cosines.values()):.7f} over {len(cosines)} crops")
        elif args.command == "models-folder":
            distill.models_folder(args.models, args.out, args.fp32, args.int8)
            log(f"wrote {args.out}")
        else:
            export.run(args.checkpoint, args.out, args.models, args.name, log)
    except (data.DataError, train.CheckpointError, export.ExportError, distill.GraphError, FloatingPointError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the last checkpoint is kept", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
