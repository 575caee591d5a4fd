using System.Numerics.Tensors;
using Siampain.Models;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Recognition;

public sealed class FaceEmbedderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-models-").FullName;

    [Theory]
    [InlineData("fp32")]
    [InlineData("int8")]
    public void A_batch_gives_the_same_unit_embeddings_as_one_face_at_a_time(string variant)
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, variant);
        var image = TestAssets.LoadSample(5);
        var faces = new List<Siampain.Detection.DetectedFace>();
        analyzer.PhotoDetector.Detect(image, faces);
        Assert.True(faces.Count > analyzer.Embedder.MaxBatch, "the photo should need more than one batch");

        var batched = new float[faces.Count * analyzer.Embedder.Dimensions];
        analyzer.Embedder.Embed(image, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(faces), batched);
        for (var i = 0; i < faces.Count; i++)
        {
            var single = analyzer.Embed(image, faces[i]);
            var row = batched.AsSpan(i * single.Length, single.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(row), 4);
            Assert.True(TensorPrimitives.CosineSimilarity(row, single) > 0.99999f);
        }

        // Different people, different embeddings.
        Assert.True(TensorPrimitives.Dot(batched.AsSpan(0, 192), batched.AsSpan(192, 192)) < 0.5f);
    }

    [Fact]
    public void A_missing_model_file_is_a_clear_error_naming_it()
    {
        var manifest = TestAssets.Manifest with { Folder = _folder };
        var error = Assert.Throws<ModelException>(() => new FaceEmbedder(manifest, "fp32"));
        Assert.Contains(Path.Combine(_folder, "mobilefacenet-fp32.onnx"), error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void A_corrupt_model_file_is_a_clear_error_naming_it()
    {
        var manifest = TestAssets.Manifest with { Folder = _folder };
        File.WriteAllBytes(Path.Combine(_folder, "mobilefacenet-fp32.onnx"), [1, 2, 3, 4, 5]);
        var error = Assert.Throws<ModelException>(() => new FaceEmbedder(manifest, "fp32"));
        Assert.Contains("not a loadable ONNX model", error.Message);
    }

    [Fact]
    public void A_model_with_the_wrong_input_size_is_refused()
    {
        // The detector's file takes 128x128 input: configured as the embedder it must be refused, not run.
        var manifest = TestAssets.Manifest;
        var wrong = manifest with
        {
            Embedders = new Dictionary<string, EmbedderManifest> { ["fp32"] = manifest.Embedder("fp32") with { File = manifest.Detector.File, Input = manifest.Detector.Input } },
        };
        var error = Assert.Throws<ModelException>(() => new FaceEmbedder(wrong, "fp32"));
        Assert.Contains("expected [N,112,112,3]", error.Message);
    }

    [Fact]
    public void An_unknown_variant_names_the_ones_that_exist()
    {
        var error = Assert.Throws<ModelException>(() => new FaceEmbedder(TestAssets.Manifest, "int4"));
        Assert.Contains("fp32", error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
