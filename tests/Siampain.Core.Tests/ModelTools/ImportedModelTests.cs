using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Quantization;
using Siampain.ModelTools.TfLite;
using Siampain.Packages;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.ModelTools;

public sealed class ImportedModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Imported_model_loads_and_maps_a_batch_to_N_by_192_with_batch_equal_to_singles()
    {
        var path = _temp.File("imported.onnx");
        OnnxFile.Save(MobileFaceNet.Import(ModelToolsAssets.MobileFaceNetTfLite), path);

        using var session = OnnxModel.Open(path, threads: 1);
        OnnxModel.RequireInput(session, path, MobileFaceNet.InputName, 112, 112, 3);
        var sample = 112 * 112 * 3;
        var batch = new float[2 * sample];
        for (var i = 0; i < batch.Length; i++)
        {
            // Two different smooth "images" in the normalised input range.
            batch[i] = MathF.Sin(i * (i < sample ? 0.001f : 0.0037f)) * 0.99f;
        }

        var both = Run(session, batch, 2);
        Assert.Equal(2 * 192, both.Length);
        var first = Run(session, batch[..sample], 1);
        var second = Run(session, batch[sample..], 1);
        for (var i = 0; i < 192; i++)
        {
            Assert.Equal(first[i], both[i], 1e-4f);
            Assert.Equal(second[i], both[192 + i], 1e-4f);
        }

        Assert.All(both, v => Assert.True(float.IsFinite(v)));
        Assert.True(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(first, second) < 0.99f, "two different inputs should not give the same embedding");
    }

    [Fact]
    public void Committed_fp32_model_tells_the_same_face_from_others_on_real_photos()
    {
        var embeddings = RealFaces.Embed(TestAssets.Manifest, "fp32");

        // Each face against its own mirror image versus the best match among all other faces.
        var margins = embeddings.Select((e, i) => RealFaces.Cosine(e.Face, e.Mirror)
            - embeddings.Where((_, j) => j != i).Max(o => RealFaces.Cosine(e.Face, o.Face))).ToArray();
        Assert.Equal(22, embeddings.Count);
        Assert.True(margins.Count(m => m > 0) >= 20, $"mirror images should match best; margins {string.Join(", ", margins.Select(m => m.ToString("F3")))}");
    }

    [Fact]
    public void Imported_model_matches_a_naive_interpreter_of_the_tflite_graph_on_real_faces()
    {
        var tflite = TfLiteModel.Load(ModelToolsAssets.MobileFaceNetTfLite);
        var manifest = TestAssets.Manifest;
        var entry = manifest.Embedder("fp32");
        var crops = FaceCrops.FromSamplePhotos(PackageCache.Default(), manifest, "fp32");
        using var session = OnnxModel.Open(manifest.PathOf(entry), threads: 1);
        foreach (var crop in crops.Where((_, i) => i % 7 == 0))
        {
            var input = FaceCrops.ToTensor([crop.Image], entry.Normalization);

            var expected = Normalized(TfLiteReferenceInterpreter.Run(tflite, input));
            var actual = Normalized(Run(session, input, 1));

            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-5f, $"{crop.Source}: element {i} is {actual[i]}, the TFLite graph gives {expected[i]}");
            }
        }
    }

    private static float[] Normalized(float[] v)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        return [.. v.Select(x => x / norm)];
    }

    private static float[] Run(InferenceSession session, float[] input, int count)
    {
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(MobileFaceNet.InputName, new DenseTensor<float>(input, [count, 112, 112, 3]))]);
        var output = results.Single(r => r.Name == MobileFaceNet.OutputName).AsTensor<float>();
        Assert.Equal([count, 192], output.Dimensions.ToArray());
        return [.. output];
    }
}
