"""Unit checks of distillation: the ONNX executor reproduces the committed reference, export keeps the graph."""
import os
import shutil
import tempfile
import unittest

import numpy as np
import onnx
import torch
from onnx import helper, TensorProto

from siampain_train import distill

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
MODEL = os.path.join(ROOT, "models", "mobilefacenet-fp32.onnx")
REFERENCE = os.path.join(ROOT, "tests", "Siampain.Core.Tests", "Fixtures", "mobilefacenet-reference")


class ExecutorTests(unittest.TestCase):
    def test_the_torch_executor_reproduces_the_reference_outputs(self):
        module, _ = distill.load(MODEL)
        cosines = distill.check_reference(module, REFERENCE)
        self.assertEqual(22, len(cosines))
        self.assertGreater(min(cosines.values()), 0.9999)

    def test_save_writes_the_weights_into_the_same_graph(self):
        module, model = distill.load(MODEL)
        with torch.no_grad():
            for p in module.parameters():
                p.mul_(1.01)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "student.onnx")
            distill.save(module, model, path)
            saved = onnx.load(path)
            again, _ = distill.load(path)
        self.assertEqual([n.op_type for n in model.graph.node], [n.op_type for n in saved.graph.node])
        self.assertEqual(model.graph.input, saved.graph.input)
        self.assertEqual(model.graph.output, saved.graph.output)
        self.assertEqual(model.opset_import, saved.opset_import)
        x = torch.randn(2, 112, 112, 3)
        with torch.no_grad():
            self.assertTrue(torch.allclose(module(x), again(x)))

    def test_an_unsupported_operator_is_refused_naming_the_file(self):
        node = helper.make_node("Sigmoid", ["x"], ["y"])
        graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "sigmoid.onnx")
            onnx.save(helper.make_model(graph), path)
            with self.assertRaisesRegex(distill.GraphError, "sigmoid.onnx: operators Sigmoid are not supported"):
                distill.load(path)

    def test_freezing_stops_gradients_in_the_leading_convolutions_only(self):
        module, _ = distill.load(MODEL)
        module.trainable_from(4)
        convs = [inputs for op, inputs, _, _ in module.nodes if op == "Conv"]
        trainable = [module.tensor(inputs[1]).requires_grad for inputs in convs]
        self.assertEqual([False] * 4 + [True] * (len(convs) - 4), trainable)


def _reference_faces(folder):
    """The reference crops as a data set of one person each."""
    faces = os.path.join(folder, "faces")
    for i, name in enumerate(sorted(f for f in os.listdir(REFERENCE) if f.endswith(".png"))):
        os.makedirs(os.path.join(faces, f"person{i:02d}"))
        shutil.copy(os.path.join(REFERENCE, name), os.path.join(faces, f"person{i:02d}", name))
    return faces


def _short_run(folder, faces, **settings):
    return {"model": MODEL, "data": faces, "out": os.path.join(folder, "out"), "name": "student.onnx",
            "steps": 2, "minutes": 5.0, "batch": 4, "lr": 1e-4, "freeze": 4, "validation_share": 0.2,
            "validation_faces": 4, "log_every": 1, "validate_every": 100, "seed": 1, "threads": 1,
            "contrastive": 1.0, "temperature": 0.1, "clean_weight": 1.0, **settings}


class DistillRunTests(unittest.TestCase):
    def test_a_short_run_logs_finite_losses_and_writes_a_student(self):
        with tempfile.TemporaryDirectory() as folder:
            lines = []
            distill.run(_short_run(folder, _reference_faces(folder)), lines.append)
            self.assertTrue(os.path.isfile(os.path.join(folder, "out", "student.onnx")))
        losses = [float(line.split()[3]) for line in lines if " loss " in line]
        self.assertEqual(2, len(losses))
        self.assertTrue(all(np.isfinite(losses)))
        self.assertIn("val_cos_masked", lines[-2])
        self.assertIn("val_top1_masked", lines[-2])

    def test_the_mirror_target_gives_a_face_and_its_mirror_image_one_unit_embedding(self):
        teacher, _ = distill.load(MODEL)
        target = distill._mirror_averaged(teacher)
        x = torch.randn(3, 112, 112, 3)
        with torch.no_grad():
            a, b, plain = target(x), target(torch.flip(x, dims=[2])), teacher(x)
        self.assertTrue(torch.allclose(a, b, atol=1e-5))
        self.assertTrue(torch.allclose(a.norm(dim=1), torch.ones(3), atol=1e-5))
        self.assertLess(torch.nn.functional.cosine_similarity(a, plain).max().item(), 0.9999)

    def test_a_short_run_with_the_mirror_target_writes_a_student(self):
        with tempfile.TemporaryDirectory() as folder:
            lines = []
            distill.run(_short_run(folder, _reference_faces(folder), mirror_target=True), lines.append)
            self.assertTrue(os.path.isfile(os.path.join(folder, "out", "student.onnx")))
        self.assertTrue(all(np.isfinite(float(line.split()[3])) for line in lines if " loss " in line))

    def test_masked_views_are_matched_to_their_crops_by_name(self):
        with tempfile.TemporaryDirectory() as folder:
            faces = _reference_faces(folder)
            views = os.path.join(folder, "views")
            for person in sorted(os.listdir(faces))[:6]:
                os.makedirs(os.path.join(views, person))
                name = os.listdir(os.path.join(faces, person))[0]
                for k in range(2):
                    shutil.copy(os.path.join(faces, person, name),
                                os.path.join(views, person, f"{os.path.splitext(name)[0]}_m{k}.png"))
            lines = []
            distill.run(_short_run(folder, faces, masked_data=views, masked_share=1.0), lines.append)
            self.assertTrue(os.path.isfile(os.path.join(folder, "out", "student.onnx")))
        counted = next(line for line in lines if "masked views" in line).split()
        # Six people with views; the validation share holds some of them out of training.
        self.assertEqual(2 * int(counted[4]), int(counted[0]))
        self.assertLessEqual(int(counted[4]), 6)
        self.assertGreater(int(counted[4]), 0)

    def test_masked_views_that_match_no_crop_are_refused_naming_the_folder(self):
        with tempfile.TemporaryDirectory() as folder:
            views = os.path.join(folder, "views", "stranger")
            os.makedirs(views)
            shutil.copy(os.path.join(REFERENCE, sorted(os.listdir(REFERENCE))[-1]), os.path.join(views, "x_m0.png"))
            with self.assertRaisesRegex(distill.data.DataError, "views: holds no masked view of a training crop"):
                distill.run(_short_run(folder, _reference_faces(folder), masked_data=os.path.dirname(views)),
                            lambda line: None)

    def test_crops_that_are_not_aligned_are_refused_naming_the_file(self):
        with tempfile.TemporaryDirectory() as folder:
            from PIL import Image
            for name in ("ann", "bob"):
                person = os.path.join(folder, "faces", name)
                os.makedirs(person)
                Image.new("RGB", (64, 64)).save(os.path.join(person, "0.png"))
            config = {"model": MODEL, "data": os.path.join(folder, "faces"), "out": os.path.join(folder, "out"),
                      "name": "s.onnx", "seed": 1, "threads": 1, "validation_share": 0.5, "validation_faces": 4}
            with self.assertRaisesRegex(distill.data.DataError, "0.png: is not an aligned 112x112 crop"):
                distill.run(config, lambda line: None)


class DistillOptionTests(unittest.TestCase):
    def test_a_masked_share_outside_zero_to_one_is_refused(self):
        from siampain_train.__main__ import distill_config, parser
        args = parser().parse_args(["distill", "--model", MODEL, "--data", "faces", "--out", "out", "--masked-share", "1.5"])
        with self.assertRaisesRegex(distill.data.DataError, r"--masked-share in \[0, 1\]"):
            distill_config(args)


class ModelsFolderTests(unittest.TestCase):
    def test_the_copy_points_the_manifest_at_the_student_and_drops_a_missing_int8(self):
        import hashlib
        import json
        with tempfile.TemporaryDirectory() as folder:
            out = os.path.join(folder, "models")
            distill.models_folder(os.path.join(ROOT, "models"), out, MODEL)
            with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
                manifest = json.load(f)
            with open(MODEL, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), manifest["embedders"]["fp32"]["sha256"])
            self.assertEqual(["fp32"], list(manifest["embedders"]))
            self.assertEqual("fp32", manifest["defaultEmbedder"])
            self.assertTrue(os.path.isfile(os.path.join(out, manifest["detector"]["file"])))

    def test_a_missing_student_is_refused_naming_it(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaisesRegex(distill.GraphError, "nothing.onnx: does not exist"):
                distill.models_folder(os.path.join(ROOT, "models"), folder, os.path.join(folder, "nothing.onnx"))


if __name__ == "__main__":
    unittest.main()
