"""Identity-per-folder face data: scanning, face preparation, the identity split and the pair sampler."""
import fnmatch
import os

import numpy as np
from PIL import Image

from . import masks

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".pgm", ".gif", ".bmp"}

# The embedder's pixel normalisation, the same scalars for every channel; written into the exported manifest so
# the C# side (aligner, quantizer, terminal) feeds the network what it was trained on.
PIXEL_MEAN = 127.5
PIXEL_STD = 128.0


class DataError(Exception):
    """A data set the recipe cannot train on; the message names the folder or file and the problem."""


def scan(root, layout="folders", include=None):
    """{identity: [image paths]} of a data set.

    folders: one sub-folder per person, holding that person's photos (LFW, ORL, Yale as the project keeps them).
    aihub:   AI Hub-style masked-face sets, one folder per person with photos nested in sub-folders (masked and
             unmasked, lighting, angle) and metadata files beside them: every image below a person's folder counts
             for that person, everything else is ignored.
    include: a shell pattern on the path below the person's folder (e.g. "S001/L1/*/C[6-8].jpg") keeps only the
             photos that match: such sets hold thousands of photos per person, most of them in extreme light or pose.
    """
    if not os.path.isdir(root):
        raise DataError(f"{root}: is not a folder")
    identities = {}
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        if layout == "aihub":
            files = [os.path.join(d, f) for d, _, fs in sorted(os.walk(folder)) for f in sorted(fs)]
        else:
            files = [os.path.join(folder, f) for f in sorted(os.listdir(folder))]
        images = [f for f in files if os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS and os.path.isfile(f)
                  and (include is None or fnmatch.fnmatch(os.path.relpath(f, folder), include))]
        if images:
            identities[name] = images
    if not identities:
        raise DataError(f"{root}: holds no identity folder with images ({', '.join(sorted(IMAGE_EXTENSIONS))})")
    return identities


def prepare(path, size, crop):
    """A size x size RGB uint8 face crop: the centred square of `crop` times the shorter side, resized.

    Deterministic and detector-free: LFW deep-funneled photos are already centred, and crop 0.5 of them frames the
    face like the ArcFace 112x112 template (measured on the mean of 300 LFW faces: eyes within about 3 px at 112).
    Crops the C# side already aligned take crop 1.0. Gray images (ORL, Yale) are repeated over three channels.
    """
    with Image.open(path) as image:
        image = image.convert("RGB")
        side = min(image.size) * crop
        left, top = (image.size[0] - side) / 2, (image.size[1] - side) / 2
        box = (round(left), round(top), round(left + side), round(top + side))
        return np.asarray(image.resize((size, size), Image.BILINEAR, box=box), dtype=np.uint8)


def load(identities, size, crop, log):
    """Prepares every image; unreadable ones are skipped and counted, and identities left empty are dropped."""
    loaded, skipped = {}, []
    for name, paths in identities.items():
        images = []
        for path in paths:
            try:
                images.append(prepare(path, size, crop))
            except (OSError, ValueError, Image.DecompressionBombError) as error:
                skipped.append((path, error))
        if images:
            loaded[name] = np.stack(images)
    for path, error in skipped[:5]:
        log(f"skipped unreadable image {path}: {error}")
    if skipped:
        log(f"skipped {len(skipped)} unreadable image(s) in all")
    if not loaded:
        raise DataError(f"no readable image left ({len(skipped)} unreadable)")
    return loaded


def split(names, images, validation_share, rng):
    """Identities into (train, validation), so validation people are never seen in training.

    Both sides need people with two or more photos (positive pairs); people with one photo are spread over both
    sides and only ever serve as negatives.
    """
    several = sorted(n for n in names if len(images[n]) >= 2)
    single = sorted(n for n in names if len(images[n]) < 2)
    if len(several) < 2:
        raise DataError(
            f"only {len(several)} of {len(names)} identities have two or more readable images: positive pairs need "
            "at least two people with two photos each (one for training, one for validation)")
    several = list(rng.permutation(several))
    single = list(rng.permutation(single))
    held = min(len(several) - 1, max(1, round(len(several) * validation_share)))
    held_single = round(len(single) * validation_share)
    return several[held:] + single[held_single:], several[:held] + single[:held_single]


class PairSampler:
    """Balanced pairs: half same-person (two different photos), half different people (any photos)."""

    def __init__(self, images, names, rng, role):
        self.images = images
        self.names = list(names)
        self.several = [n for n in self.names if len(images[n]) >= 2]
        if not self.several or len(self.names) < 2:
            raise DataError(f"the {role} set ({len(self.names)} people, {len(self.several)} with two or more images) "
                            "gives no positive or no negative pair: it needs two people, one with two photos")
        self.rng = rng

    def pairs(self, count):
        """count (first, second, same) pairs of image indices; same is 1.0 for the same person."""
        result = []
        for k in range(count):
            if k % 2 == 0:
                name = self.several[self.rng.integers(len(self.several))]
                i, j = self.rng.choice(len(self.images[name]), size=2, replace=False)
                result.append(((name, i), (name, j), 1.0))
            else:
                a, b = self.rng.choice(len(self.names), size=2, replace=False)
                first, second = self.names[a], self.names[b]
                result.append(((first, self.rng.integers(len(self.images[first]))),
                               (second, self.rng.integers(len(self.images[second]))), 0.0))
        return result


def augment(crop, rng, mask_probability):
    """Random mirror, then a synthetic mask with the given probability (each image of a pair on its own, so a
    masked pair has one or both faces masked)."""
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    if rng.random() < mask_probability:
        crop = masks.paint(crop, rng)
    return crop


def to_tensor_batch(crops):
    """NCHW float32 with the embedder's normalisation."""
    batch = np.stack(crops).astype(np.float32)
    return ((batch - PIXEL_MEAN) / PIXEL_STD).transpose(0, 3, 1, 2).copy()
