using Google.Protobuf;
using Siampain.ModelTools.Build;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Onnx.Proto;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.ModelTools;

public sealed class QuantizationTests
{
    [Fact]
    public void Committed_int8_model_agrees_with_fp32_on_held_out_real_faces()
    {
        var manifest = TestAssets.Manifest;
        var crops = FaceCrops.FromSamplePhotos(PackageCache.Default(), manifest, ManifestWriter.Fp32);
        var faces = new CalibrationFaces(crops, manifest.Embedder(ManifestWriter.Fp32).Normalization);
        Assert.Empty(faces.HeldOutSources.Intersect(faces.CalibrationSources));
        Assert.Equal(22, faces.HeldOutSources.Count + faces.CalibrationSources.Count);

        var fp32 = Embed(manifest.PathOf(manifest.Embedder(ManifestWriter.Fp32)), faces.HeldOut);
        var int8 = Embed(manifest.PathOf(manifest.Embedder(ManifestWriter.Int8)), faces.HeldOut);
        var cosines = fp32.Zip(int8, RealFaces.Cosine).ToArray();

        Assert.True(cosines.Average() >= 0.99, $"mean cosine {cosines.Average():F4}");
        Assert.True(cosines.Min() >= 0.97, $"min cosine {cosines.Min():F4}");
        Assert.True(new FileInfo(manifest.PathOf(manifest.Embedder(ManifestWriter.Int8))).Length <= 2_000_000);
    }

    [Fact]
    public void Any_float_conv_add_model_quantizes_to_qdq_that_onnx_runtime_runs_close_to_float()
    {
        var model = TinyConvAddModel();
        var inputs = new CropBatch([.. Enumerable.Range(0, 8 * 3 * 8 * 8).Select(i => MathF.Sin(i * 0.37f))], 8);
        var names = model.Graph.Node.Where(n => n.OpType is "Conv" or "Add").Select(n => n.Name).ToHashSet();
        var index = new GraphIndex(model.Graph);
        var tensors = model.Graph.Node.Where(n => names.Contains(n.Name)).SelectMany(n => QdqWriter.QuantizedActivations(n, index)).Distinct().ToList();
        var ranges = Calibrator.Calibrate(model, "tiny", tensors, inputs, 100);

        var quantized = QdqWriter.Write(model, names, new HashSet<string>(), ranges, reduceRange: true);

        Assert.Contains(quantized.Graph.Node, n => n.OpType == "QuantizeLinear");
        Assert.Contains(quantized.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8);
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.Name == "w1");
        using var floatRunner = new OrtRunner(model.ToByteArray(), "tiny");
        using var int8Runner = new OrtRunner(quantized.ToByteArray(), "tiny int8");
        var expected = floatRunner.Run(inputs.Data, inputs.Count)["out"];
        var actual = int8Runner.Run(inputs.Data, inputs.Count)["out"];
        Assert.True(RealFaces.Cosine(expected, actual) > 0.999f, $"cosine {RealFaces.Cosine(expected, actual)}");
    }

    [Fact]
    public void Calibrated_ranges_include_zero_and_sit_on_a_coarse_grid()
    {
        var range = ActivationRange.Coarse(0.5f, 6.1f);
        Assert.Equal(0f, range.Min);
        Assert.True(range.Max >= 6.1f);
        Assert.Equal(range, ActivationRange.Coarse(0.5f, 6.1f + 1e-5f));
        Assert.Equal(range, ActivationRange.Coarse(0.4f, 6.1f - 1e-5f));

        var signed = ActivationRange.Coarse(-3.3f, 1.2f);
        Assert.True(signed.Min <= -3.3f && signed.Max >= 1.2f);
        Assert.InRange(signed.ZeroPoint, 1, 254);
        Assert.True(MathF.Abs(signed.Min + (signed.ZeroPoint * signed.Scale)) <= signed.Scale / 2);
    }

    [Fact]
    public void Missing_or_corrupt_onnx_file_is_a_clear_error_naming_it()
    {
        using var temp = new TempFolder();
        var missing = temp.File("missing.onnx");
        Assert.Equal(missing, Assert.Throws<OnnxFormatException>(() => OnnxFile.Load(missing)).FilePath);

        var corrupt = temp.File("corrupt.onnx");
        File.WriteAllBytes(corrupt, [.. Enumerable.Range(0, 1000).Select(i => (byte)(255 - (i % 7)))]);
        var error = Assert.Throws<OnnxFormatException>(() => OnnxFile.Load(corrupt));
        Assert.Equal(corrupt, error.FilePath);
        Assert.Contains("is not an ONNX model", error.Message);

        var text = temp.File("text.onnx");
        File.WriteAllText(text, "this is not a model");
        Assert.Contains("is not an ONNX model", Assert.Throws<OnnxFormatException>(() => OnnxFile.Load(text)).Message);
    }

    /// <summary>x [N,3,8,8] (channels first, as PyTorch exports) -> Conv 3x3 and Conv 1x1 -> Add -> out: the two op types the quantizer handles.</summary>
    private static ModelProto TinyConvAddModel()
    {
        var graph = new GraphProto { Name = "tiny" };
        var builder = new OnnxGraphBuilder(graph);
        graph.Input.Add(OnnxGraphBuilder.TensorValue("x", TensorProto.Types.DataType.Float, "N", 3, 8, 8));
        builder.Unique("x");
        var w1 = builder.Floats("w1", [.. Enumerable.Range(0, 8 * 3 * 9).Select(i => MathF.Cos(i * 0.11f) * 0.3f)], 8, 3, 3, 3);
        var b1 = builder.Floats("b1", [.. Enumerable.Range(0, 8).Select(i => i * 0.05f)], 8);
        var w2 = builder.Floats("w2", [.. Enumerable.Range(0, 8 * 3).Select(i => MathF.Sin(i * 0.7f) * 0.5f)], 8, 3, 1, 1);
        var a = builder.Node("Conv", ["x", w1, b1], ["a"], null, OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1)).Output[0];
        var b = builder.Node("Conv", ["x", w2], ["b"]).Output[0];
        builder.Node("Add", [a, b], ["out"]);
        graph.Output.Add(OnnxGraphBuilder.TensorValue("out", TensorProto.Types.DataType.Float, "N", 8, 8, 8));
        return OnnxFile.NewModel(graph, "tiny test model");
    }

    private static float[][] Embed(string path, CropBatch crops)
    {
        using var runner = new OrtRunner(File.ReadAllBytes(path), path);
        return [.. runner.Run(crops.Data, crops.Count)["embedding"].Chunk(192)];
    }
}
