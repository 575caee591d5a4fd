using Siampain.ModelTools.TfLite;

namespace Siampain.Tests.ModelTools;

public sealed class TfLiteModelTests
{
    [Fact]
    public void Reads_the_real_MobileFaceNet_flatbuffer()
    {
        var model = TfLiteModel.Load(ModelToolsAssets.MobileFaceNetTfLite);

        var graph = Assert.Single(model.SubGraphs);
        var input = graph.Tensors[Assert.Single(graph.Inputs)];
        var output = graph.Tensors[Assert.Single(graph.Outputs)];
        Assert.Equal(TfLiteType.Float32, input.Type);
        Assert.Equal([112, 112, 3], input.Shape[1..]);
        Assert.Equal(192, output.Shape[^1]);

        var counts = graph.Operators.GroupBy(o => o.Builtin).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(35, counts[TfLiteBuiltin.Conv2D]);
        Assert.Equal(17, counts[TfLiteBuiltin.DepthwiseConv2D]);
        Assert.Equal(1, counts[TfLiteBuiltin.Reshape]);

        var first = graph.Operators[0];
        var filter = graph.Tensors[first.Inputs[1]];
        Assert.Equal([64, 3, 3, 3], filter.Shape);
        Assert.Equal(64 * 27, filter.Floats().Length);
        Assert.All(filter.Floats(), w => Assert.True(float.IsFinite(w)));
        var options = first.Conv();
        Assert.Equal((2, 2), (options.StrideH, options.StrideW));
        Assert.Equal(TfLitePadding.Same, options.Padding);

        var depthwise = graph.Operators.First(o => o.Builtin == TfLiteBuiltin.DepthwiseConv2D).DepthwiseConv();
        Assert.Equal(1, depthwise.DepthMultiplier);
    }

    [Fact]
    public void Missing_file_is_a_clear_error_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-model.tflite");
        var error = Assert.Throws<TfLiteFormatException>(() => TfLiteModel.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("does not exist", error.Message);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void Corrupt_file_is_a_clear_error_naming_it(string kind)
    {
        using var temp = new TempFolder();
        var path = temp.File($"{kind}.tflite");
        var real = File.ReadAllBytes(ModelToolsAssets.MobileFaceNetTfLite);
        File.WriteAllBytes(path, kind switch
        {
            "garbage" => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))],
            "truncated" => real[..20_000],
            _ => [],
        });

        var error = Assert.Throws<TfLiteFormatException>(() => TfLiteModel.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path, error.Message);
        Assert.Contains("not a valid TFLite model", error.Message);
    }
}
