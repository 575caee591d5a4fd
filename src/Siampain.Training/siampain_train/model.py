"""The twin network: a VGG backbone with batch norm and no fully connected layers, shared by both faces, and a
Koch-style head on the pair (|f1 - f2| -> one linear unit -> sigmoid)."""
import torch
from torch import nn

# Output channels of each 3x3 conv, "M" a 2x2 max-pool (Simonyan and Zisserman's configurations A and D).
# vgg16-bn is the recipe; vgg11-bn is there for machines (and tests) that cannot afford it.
CONFIGS = {
    "vgg11-bn": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16-bn": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}

POOLS = 5


def feature_size(input_size):
    """Length of the flattened embedding: 512 channels on the grid left after five 2x2 pools."""
    side = input_size // 2 ** POOLS
    return 512 * side * side


class Backbone(nn.Module):
    """Conv -> BN -> ReLU blocks and max-pools, flattened: the embedding keeps where on the face each feature is,
    which matters when the lower half of the face may be covered by a mask."""

    def __init__(self, architecture):
        super().__init__()
        layers, channels = [], 3
        for item in CONFIGS[architecture]:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, item, 3, padding=1), nn.BatchNorm2d(item), nn.ReLU(inplace=True)]
                channels = item
        self.features = nn.Sequential(*layers)

    def forward(self, x):
        return torch.flatten(self.features(x), 1)


class Head(nn.Module):
    """Probability that two embeddings are the same person: a weighted L1 distance through a sigmoid (as logit here;
    the sigmoid is in the loss for numerical stability and in the exported head)."""

    def __init__(self, features):
        super().__init__()
        self.linear = nn.Linear(features, 1)

    def forward(self, first, second):
        return self.linear(torch.abs(first - second)).squeeze(1)


class Siamese(nn.Module):
    def __init__(self, architecture, input_size):
        super().__init__()
        if architecture not in CONFIGS:
            raise ValueError(f"unknown architecture {architecture}; known: {', '.join(CONFIGS)}")
        if input_size < 2 ** POOLS or input_size % 2 ** POOLS:
            raise ValueError(f"input size {input_size} must be a positive multiple of {2 ** POOLS} (five 2x2 pools)")
        self.backbone = Backbone(architecture)
        self.head = Head(feature_size(input_size))
        xavier_init(self)

    def forward(self, first, second):
        """Logits of "same person" for a batch of pairs; both faces go through the same backbone in one pass."""
        features = self.backbone(torch.cat([first, second]))
        f1, f2 = features.split(first.shape[0])
        return self.head(f1, f2)


def xavier_init(model):
    """Xavier (Glorot) uniform weights for every conv and linear layer, zero biases; BN starts as identity."""
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)


def penalized_weights(model):
    """The kernels the L2 term applies to: conv and linear weights, not biases or batch-norm scales (as a Keras
    kernel_regularizer does; penalising BN scales would fight the normalisation)."""
    return [m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def loss(logits, targets, model, l2):
    """(total, bce): binary cross-entropy of the pair probabilities plus l2 * (sum of squared kernel weights)."""
    bce = nn.functional.binary_cross_entropy_with_logits(logits, targets)
    penalty = sum(w.pow(2).sum() for w in penalized_weights(model))
    return bce + l2 * penalty, bce
