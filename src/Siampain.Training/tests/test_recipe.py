"""Unit checks of the recipe's pieces: architecture, initialisation, loss, masks, identity split and pairs."""
import math
import os
import tempfile
import unittest

import numpy as np
import torch
from torch import nn

from siampain_train import data, masks, model


class ArchitectureTests(unittest.TestCase):
    def test_vgg16_bn_has_13_convs_each_with_batch_norm_5_pools_and_no_fully_connected_layer(self):
        backbone = model.Siamese("vgg16-bn", 32).backbone
        layers = list(backbone.features)
        self.assertEqual(13, sum(isinstance(m, nn.Conv2d) for m in layers))
        self.assertEqual(13, sum(isinstance(m, nn.BatchNorm2d) for m in layers))
        self.assertEqual(5, sum(isinstance(m, nn.MaxPool2d) for m in layers))
        self.assertFalse(any(isinstance(m, nn.Linear) for m in backbone.modules()))
        for conv, norm in zip(layers[0::3], layers[1::3]):
            if isinstance(conv, nn.Conv2d):
                self.assertIsInstance(norm, nn.BatchNorm2d)

    def test_the_twins_share_weights_so_the_pair_score_is_symmetric(self):
        network = model.Siamese("vgg11-bn", 32).eval()
        a, b = torch.randn(3, 3, 32, 32), torch.randn(3, 3, 32, 32)
        with torch.no_grad():
            self.assertTrue(torch.allclose(network(a, b), network(b, a), atol=1e-5))

    def test_embedding_length_follows_the_input_size(self):
        network = model.Siamese("vgg11-bn", 64).eval()
        with torch.no_grad():
            self.assertEqual((2, 512 * 2 * 2), tuple(network.backbone(torch.randn(2, 3, 64, 64)).shape))

    def test_an_input_size_the_pools_cannot_divide_is_refused(self):
        with self.assertRaisesRegex(ValueError, "multiple of 32"):
            model.Siamese("vgg16-bn", 50)


class InitialisationTests(unittest.TestCase):
    def test_conv_and_linear_weights_are_xavier_uniform_and_biases_zero(self):
        torch.manual_seed(0)
        network = model.Siamese("vgg16-bn", 32)
        for layer in [m for m in network.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]:
            fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(layer.weight)
            bound = math.sqrt(6 / (fan_in + fan_out))
            weights = layer.weight.detach()
            self.assertLessEqual(weights.abs().max().item(), bound)
            if weights.numel() > 10000:
                # A uniform on [-bound, bound] has standard deviation bound / sqrt(3).
                self.assertAlmostEqual(bound / math.sqrt(3), weights.std().item(), delta=0.02 * bound)
            self.assertEqual(0, layer.bias.abs().max().item())


class LossTests(unittest.TestCase):
    def test_loss_is_binary_cross_entropy_plus_lambda_times_the_sum_of_squared_kernels(self):
        torch.manual_seed(0)
        network = model.Siamese("vgg11-bn", 32)
        logits = torch.tensor([2.0, -1.0, 0.5, 0.0])
        targets = torch.tensor([1.0, 0.0, 0.0, 1.0])
        total, bce = model.loss(logits, targets, network, 0.01)

        p = torch.sigmoid(logits)
        expected_bce = -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()
        kernels = [m.weight for m in network.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
        squares = sum(float((w.detach().double() ** 2).sum()) for w in kernels)
        self.assertAlmostEqual(expected_bce.item(), bce.item(), places=5)
        self.assertAlmostEqual(expected_bce.item() + 0.01 * squares, total.item(), delta=1e-4 * total.item())

    def test_biases_and_batch_norm_are_not_penalised(self):
        network = model.Siamese("vgg11-bn", 32)
        penalised = {id(w) for w in model.penalized_weights(network)}
        for module in network.modules():
            if isinstance(module, nn.BatchNorm2d):
                self.assertNotIn(id(module.weight), penalised)
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                self.assertNotIn(id(module.bias), penalised)


class MaskTests(unittest.TestCase):
    def test_every_shape_covers_nose_to_chin_and_leaves_the_eyes(self):
        size = 64
        face = np.full((size, size, 3), 128, dtype=np.uint8)
        rng = np.random.default_rng(0)
        for shape in masks.SHAPES:
            style = dict(masks.random_style(rng), shape=shape, colour=np.array([0.0, 0.0, 255.0]))
            painted = masks.paint(face, rng, style).astype(int)
            changed = np.abs(painted - face).sum(axis=2) > 30
            nose = (masks.NOSE * size).astype(int)
            mouth = (masks.MOUTH * size).astype(int)
            eye = (masks.LEFT_EYE * size).astype(int)
            self.assertTrue(changed[nose[1], nose[0]], f"{shape} leaves the nose tip bare")
            self.assertTrue(changed[mouth[1], mouth[0]], f"{shape} leaves the mouth bare")
            self.assertFalse(changed[eye[1] - 2, eye[0]], f"{shape} covers the eyes")

    def test_styles_vary_in_shape_and_colour(self):
        rng = np.random.default_rng(1)
        styles = [masks.random_style(rng) for _ in range(60)]
        self.assertEqual(set(masks.SHAPES), {s["shape"] for s in styles})
        self.assertGreater(len({tuple(s["colour"]) for s in styles}), 4)
        self.assertEqual(set(masks.TEXTURES), {s["texture"] for s in styles})


class PairTests(unittest.TestCase):
    def setUp(self):
        blank = np.zeros((1, 8, 8, 3), dtype=np.uint8)
        self.images = {f"p{i}": np.repeat(blank, 1 + (i % 3), axis=0) for i in range(30)}

    def test_split_keeps_validation_people_out_of_training_and_both_sides_have_positives(self):
        train, validation = data.split(list(self.images), self.images, 0.2, np.random.default_rng(0))
        self.assertFalse(set(train) & set(validation))
        self.assertEqual(set(self.images), set(train) | set(validation))
        for side in (train, validation):
            self.assertTrue(any(len(self.images[n]) >= 2 for n in side))

    def test_pairs_are_balanced_positives_are_two_photos_of_one_person_negatives_two_people(self):
        sampler = data.PairSampler(self.images, list(self.images), np.random.default_rng(0), "training")
        pairs = sampler.pairs(400)
        self.assertEqual(200, sum(same for _, _, same in pairs))
        for (first, i), (second, j), same in pairs:
            if same:
                self.assertEqual(first, second)
                self.assertNotEqual(i, j)
                self.assertGreaterEqual(len(self.images[first]), 2)
            else:
                self.assertNotEqual(first, second)

    def test_one_photo_per_person_is_refused(self):
        single = {n: v[:1] for n, v in self.images.items()}
        with self.assertRaisesRegex(data.DataError, "two or more"):
            data.split(list(single), single, 0.2, np.random.default_rng(0))


class LayoutTests(unittest.TestCase):
    def test_aihub_layout_takes_nested_photos_per_person_ignores_metadata_and_filters_by_pattern(self):
        with tempfile.TemporaryDirectory() as root:
            for person in ("19062421", "19062422"):
                for accessory in ("S001", "S002"):
                    folder = os.path.join(root, person, accessory, "L1", "E01")
                    os.makedirs(folder)
                    for camera in ("C6.jpg", "C7.jpg", "C6.txt"):
                        open(os.path.join(folder, camera), "w").close()

            everything = data.scan(root, "aihub")
            frontal = data.scan(root, "aihub", "S001/*/*/C6.jpg")
            with self.assertRaisesRegex(data.DataError, "holds no identity folder with images"):
                data.scan(root, "folders")

        self.assertEqual(["19062421", "19062422"], sorted(everything))
        self.assertEqual(4, len(everything["19062421"]))
        self.assertTrue(all(p.endswith(".jpg") for p in everything["19062421"]))
        self.assertEqual([["S001", "L1", "E01", "C6.jpg"]], [p.split(os.sep)[-4:] for p in frontal["19062421"]])


if __name__ == "__main__":
    unittest.main()
