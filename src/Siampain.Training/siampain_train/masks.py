"""Synthetic masks painted on centred face crops, with no template picture.

The shapes, textures and palette follow src/Siampain.Core/Masking/SyntheticMask.cs (the terminal paints the same
masks at enrolment): a canonical mask square (u across, v down from the nose bridge to under the chin) is laid
onto six anchors by a homography. The C# side places the anchors from detected keypoints; here the crop is already
framed like the ArcFace 112x112 template, so the keypoints are the template's and placement jitter stands in for
the spread of real faces. The MaskTheFace templates stay for evaluation only.
"""
import numpy as np

# ArcFace template keypoints as fractions of the crop: eyes, nose tip, mouth corners and their mid-point.
LEFT_EYE = np.array([38.2946, 51.6963]) / 112
RIGHT_EYE = np.array([73.5318, 51.5014]) / 112
NOSE = np.array([56.0252, 71.7366]) / 112
LEFT_MOUTH = np.array([41.5493, 92.3655]) / 112
RIGHT_MOUTH = np.array([70.7299, 92.2041]) / 112
MOUTH = (LEFT_MOUTH + RIGHT_MOUTH) / 2

# Half the face's width at nose level, in crop widths: BlazeFace's ear points sit about this far out on such crops.
HALF_FACE = 0.38

# Where the six anchors sit on the canonical square (same order and values as SyntheticMask.Canonical).
CANONICAL = np.array([[0.0, 0.3], [0.5, 0.0], [1.0, 0.3], [0.1, 0.8], [0.5, 1.0], [0.9, 0.8]])

# Colours real masks come in: surgical blue and white, black, grey, navy, pink, beige, olive.
PALETTE = np.array([
    [120, 170, 210], [235, 238, 240], [30, 30, 34], [128, 130, 135],
    [35, 45, 90], [225, 160, 180], [215, 195, 160], [95, 110, 70],
], dtype=np.float32)

SHAPES = ("surgical", "cloth", "kn95")
TEXTURES = ("plain", "pleats", "stripes", "noise")


def anchors(size, rng, jitter=0.04):
    """The six anchors in pixels of a size x size crop, as MaskAnchors.Estimate places them, then jittered:
    a shift, a scale and a small rotation about the nose, as real faces are never exactly on the template."""
    eyes = (LEFT_EYE + RIGHT_EYE) / 2
    eye_to_mouth = MOUTH[1] - eyes[1]
    nose_line = NOSE[1] - 0.1 * eye_to_mouth
    jaw_line = MOUTH[1] + 0.25 * eye_to_mouth
    points = np.array([
        [0.5 - 0.92 * HALF_FACE, nose_line],
        [0.5, eyes[1] + 0.4 * (NOSE[1] - eyes[1])],
        [0.5 + 0.92 * HALF_FACE, nose_line],
        [0.5 - 0.75 * HALF_FACE, jaw_line],
        [0.5, MOUTH[1] + 0.85 * eye_to_mouth],
        [0.5 + 0.75 * HALF_FACE, jaw_line],
    ])
    angle = rng.uniform(-0.12, 0.12)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    scale = rng.uniform(1 - jitter * 2, 1 + jitter * 2)
    shift = rng.uniform(-jitter, jitter, size=2)
    points = (points - NOSE) @ rotation.T * scale + NOSE + shift
    return points * size


def fit_homography(source, target):
    """Least-squares projective map (h22 = 1) taking source points to target points."""
    rows, values = [], []
    for (x, y), (u, v) in zip(source, target):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values += [u, v]
    h = np.linalg.lstsq(np.array(rows), np.array(values), rcond=None)[0]
    return np.append(h, 1.0).reshape(3, 3)


def random_style(rng):
    """A mask style drawn like SyntheticMaskStyle.FromSeed: surgical masks are pleated, the others plain, printed
    or grainy."""
    shape = SHAPES[rng.integers(3)]
    texture = "pleats" if shape == "surgical" else ("plain", "stripes", "noise")[rng.integers(3)]
    return {
        "shape": shape,
        "colour": PALETTE[rng.integers(len(PALETTE))],
        "accent": PALETTE[rng.integers(len(PALETTE))],
        "texture": texture,
        "width": 0.92 + 0.14 * rng.random(),
        "drop": 0.1 * rng.random(),
        "seed": int(rng.integers(1 << 30)),
    }


def paint(image, rng, style=None):
    """Returns a copy of an HxWx3 uint8 centred face crop wearing a random mask (or the given style)."""
    style = style or random_style(rng)
    size = image.shape[0]
    points = anchors(size, rng)
    to_canonical = fit_homography(points, CANONICAL)
    width_px = np.linalg.norm(points[0] - points[2])
    height_px = np.linalg.norm(points[1] - points[4])

    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    w = to_canonical[2, 0] * xs + to_canonical[2, 1] * ys + 1
    u = (to_canonical[0, 0] * xs + to_canonical[0, 1] * ys + to_canonical[0, 2]) / w
    v = (to_canonical[1, 0] * xs + to_canonical[1, 1] * ys + to_canonical[1, 2]) / w
    inside, shade, accent = _fabric(u, v, style, width_px, height_px)

    alpha = np.clip(inside + 0.5, 0, 1)[..., None]
    colour = (style["colour"] + (style["accent"] - style["colour"]) * accent[..., None]) * shade[..., None]
    painted = alpha * colour + (1 - alpha) * image.astype(np.float64)
    return np.clip(np.round(painted), 0, 255).astype(np.uint8)


def _fabric(u, v, style, width_px, height_px):
    """Per pixel: distance inside the outline in pixels (negative outside), brightness factor, accent share."""
    half_width = 0.5 * style["width"]
    s = (u - 0.5) / half_width
    a = np.abs(s)
    drop = style["drop"]
    if style["shape"] == "surgical":
        top, bottom = drop + 0.06 + 0.22 * a * a, 1 - 0.2 * a * a
    elif style["shape"] == "cloth":
        top, bottom = drop + 0.3 * a ** 1.5, 1.04 - 0.3 * a * a
    else:
        top, bottom = drop + 0.32 * a, 1.05 - 0.3 * a

    # Dividing by the slope is skipped as on the C# side: edges stay about one pixel soft.
    side = (1 - a) * half_width * width_px
    inside = np.minimum(np.minimum((v - top) * height_px, (bottom - v) * height_px), side)

    # A cylinder-like fall-off across the face, plus a slightly darker binding along the edge.
    shade = 0.8 + 0.2 * np.sqrt(np.maximum(0, 1 - a * a))
    shade = shade * np.where(inside < 2.5, 0.88, 1.0)
    accent = np.zeros_like(u)
    t = (v - top) / np.maximum(1e-3, bottom - top)
    if style["texture"] == "pleats":
        for pleat in (0.3, 0.5, 0.7):
            d = (t - pleat) * (bottom - top) * height_px
            shade = shade * (1 - 0.3 * np.exp(-(d * d) / 2.5)) * (1 + 0.12 * np.exp(-((d + 3) ** 2) / 2.5))
    elif style["texture"] == "stripes":
        phase = (s * half_width + 0.6 * v) * 7
        accent = (phase - np.floor(phase) < 0.5).astype(np.float64)
    elif style["texture"] == "noise":
        grain = np.random.default_rng(style["seed"]).random(u.shape)
        shade = shade * (0.9 + 0.2 * grain)
    if style["shape"] == "kn95":
        from_seam = s * half_width * width_px
        shade = shade * (1 - 0.35 * np.exp(-(from_seam * from_seam) / 1.5))
    return inside, shade, accent
