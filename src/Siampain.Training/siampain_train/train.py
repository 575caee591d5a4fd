"""The training loop: checkpoints, resume, and validation on people the network never saw."""
import math
import os
import time

import numpy as np
import torch

from . import data, masks, model as nets

CHECKPOINT = "checkpoint.pt"
FORMAT = "siampain-siamese-checkpoint/1"

# What a checkpoint must agree on with the run that resumes it: weights of another shape cannot be loaded.
SHAPE_KEYS = ("architecture", "input_size")

# Settings of one run only, not carried over by a resume.
RUN_KEYS = ("resume", "minutes", "threads")


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message names the file and the problem."""


def save_atomically(obj, path):
    """Writes through a temporary file and a rename, so an interrupted save never leaves a half-written file."""
    temporary = f"{path}.partial"
    torch.save(obj, temporary)
    os.replace(temporary, path)


def load_checkpoint(path):
    """Reads a checkpoint. torch.load unpickles: only load checkpoints this tool wrote on a machine you trust."""
    if not os.path.isfile(path):
        raise CheckpointError(f"{path}: does not exist")
    try:
        state = torch.load(path, map_location="cpu")
    except Exception as error:  # torch raises anything from pickle, zip and storage errors for a bad file
        raise CheckpointError(f"{path}: is not a training checkpoint ({type(error).__name__}: {error})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path}: is not a training checkpoint of this tool (format {FORMAT})")
    return state


def check_compatible(state, config, path):
    """Refuses a checkpoint whose network differs from the one asked for, naming both."""
    saved = state["config"]
    different = [k for k in SHAPE_KEYS if saved[k] != config[k]]
    if different:
        described = ", ".join(f"{k} {saved[k]} in the checkpoint but {config[k]} asked for" for k in different)
        raise CheckpointError(f"{path}: cannot resume a different network: {described}")


def run(config, log):
    """Trains to config["steps"] steps in all (counting those of a resumed checkpoint)."""
    torch.manual_seed(config["seed"])
    torch.set_num_threads(config["threads"])
    checkpoint_path = os.path.join(config["out"], CHECKPOINT)

    resumed = None
    if config["resume"]:
        resumed = load_checkpoint(config["resume"])
        check_compatible(resumed, config, config["resume"])

    identities = data.scan(config["data"], config["layout"], config["include"])
    images = data.load(identities, config["input_size"], config["crop"], log)
    if resumed:
        # The same people stay held out, or validation would score faces the network has trained on.
        train_names = [n for n in resumed["train_identities"] if n in images]
        validation_names = [n for n in resumed["validation_identities"] if n in images]
    else:
        train_names, validation_names = data.split(list(images), images, config["validation_share"],
                                                   np.random.default_rng(config["seed"]))
    step, history = (resumed["step"], resumed["history"]) if resumed else (0, [])
    # Seeds move on with the step, so a resumed run draws new pairs and masks instead of replaying the first ones.
    sampler = data.PairSampler(images, train_names, np.random.default_rng(config["seed"] + 1 + step), "training")
    augment_rng = np.random.default_rng(config["seed"] + 2 + step)
    validation = ValidationPairs(images, validation_names, config["validation_pairs"], config["seed"])
    log(f"{sum(len(images[n]) for n in train_names)} training images of {len(train_names)} people, "
        f"{len(validation.pairs)} validation pairs of {len(validation_names)} unseen people")

    network = nets.Siamese(config["architecture"], config["input_size"])
    optimizer = torch.optim.Adam(network.parameters(), lr=config["lr"])
    if resumed:
        network.load_state_dict(resumed["model"])
        optimizer.load_state_dict(resumed["optimizer"])
        log(f"resumed {config['resume']} at step {step}")

    def save():
        os.makedirs(config["out"], exist_ok=True)
        save_atomically({
            "format": FORMAT, "config": {k: v for k, v in config.items() if k not in RUN_KEYS}, "step": step,
            "model": network.state_dict(), "optimizer": optimizer.state_dict(), "history": history,
            "train_identities": train_names, "validation_identities": validation_names,
        }, checkpoint_path)

    if step >= config["steps"]:
        log(f"the checkpoint is already at step {step}; ask for more with --steps")
    # Speed is reported for training alone; validation passes are not counted in s/step.
    started, training_seconds, losses = time.monotonic(), 0.0, []
    first_step = step
    while step < config["steps"]:
        step_started = time.monotonic()
        network.train()
        pairs = sampler.pairs(config["batch"])

        def faces(side):
            crops = [data.augment(images[pair[side][0]][pair[side][1]], augment_rng, config["mask_probability"])
                     for pair in pairs]
            return torch.from_numpy(data.to_tensor_batch(crops))

        first, second = faces(0), faces(1)
        targets = torch.tensor([same for _, _, same in pairs], dtype=torch.float32)
        total, bce = nets.loss(network(first, second), targets, network, config["l2"])
        if not math.isfinite(total.item()):
            raise FloatingPointError(f"loss became {total.item()} at step {step + 1}; the last checkpoint is kept")
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        step += 1
        losses.append((total.item(), bce.item()))
        training_seconds += time.monotonic() - step_started

        out_of_time = config["minutes"] is not None and time.monotonic() - started >= config["minutes"] * 60
        last = step == config["steps"] or out_of_time
        if step % config["log_every"] == 0 or last:
            seconds = training_seconds / (step - first_step)
            mean_total, mean_bce = np.mean(losses, axis=0)
            line = f"step {step} loss {mean_total:.4f} bce {mean_bce:.4f} {seconds:.2f} s/step"
            entry = {"step": step, "loss": float(mean_total), "bce": float(mean_bce), "seconds_per_step": seconds}
            if step % config["validate_every"] == 0 or last:
                metrics = validation.evaluate(network, config["batch"] * 2)
                entry.update(metrics)
                line += " " + " ".join(f"{k} {v:.3f}" for k, v in metrics.items())
            history.append(entry)
            log(line)
            losses.clear()
        if step % config["checkpoint_every"] == 0 or last:
            save()
        if out_of_time:
            log(f"stopped at step {step}: the {config['minutes']} minute budget is spent")
            break


class ValidationPairs:
    """A fixed, balanced set of pairs of held-out people, scored clean and with the second face masked."""

    def __init__(self, images, names, count, seed):
        self.images = images
        sampler = data.PairSampler(images, names, np.random.default_rng(seed + 100), "validation")
        self.pairs = sampler.pairs(count)
        mask_rng = np.random.default_rng(seed + 101)
        self.masked = [masks.paint(images[n][i], mask_rng) for _, (n, i), _ in self.pairs]
        self.targets = np.array([same for _, _, same in self.pairs])

    @torch.no_grad()
    def evaluate(self, network, batch):
        network.eval()
        first = [self.images[n][i] for (n, i), _, _ in self.pairs]
        second = [self.images[n][i] for _, (n, i), _ in self.pairs]
        metrics = {}
        for label, seconds in (("clean", second), ("masked", self.masked)):
            scores = np.concatenate([
                torch.sigmoid(network(torch.from_numpy(data.to_tensor_batch(first[k:k + batch])),
                                      torch.from_numpy(data.to_tensor_batch(seconds[k:k + batch])))).numpy()
                for k in range(0, len(first), batch)])
            metrics[f"val_{label}_acc"] = float(np.mean((scores >= 0.5) == (self.targets == 1)))
            metrics[f"val_{label}_best_acc"] = best_threshold_accuracy(scores, self.targets)
        return metrics


def best_threshold_accuracy(scores, targets):
    """Accuracy at the best threshold over the scores themselves (optimistic: chosen on the same pairs)."""
    candidates = np.concatenate([[-np.inf], np.sort(scores)])
    return float(max(np.mean((scores > t) == (targets == 1)) for t in candidates))
