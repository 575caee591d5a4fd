using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Siampain.ModelTools.Commands;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed partial class TrainingToolTests(TrainedRecipe recipe)
{
    [Fact]
    public void Training_logs_finite_losses_and_validation_accuracy_and_saves_a_checkpoint()
    {
        Assert.True(recipe.Run.ExitCode == 0, recipe.Run.ToString());
        var steps = StepLine().Matches(recipe.Run.Output);
        Assert.Equal(["1", "2"], steps.Select(m => m.Groups["step"].Value));
        Assert.All(steps, m => Assert.True(double.IsFinite(double.Parse(m.Groups["loss"].Value, CultureInfo.InvariantCulture)), m.Value));
        Assert.Contains("val_clean_acc", recipe.Run.Output);
        Assert.Contains("val_masked_best_acc", recipe.Run.Output);
        Assert.True(File.Exists(recipe.Checkpoint));
        Assert.Empty(Directory.GetFiles(recipe.Folder, "*.partial"));
    }

    [Fact]
    public void Resume_continues_the_step_count_of_the_checkpoint()
    {
        var folder = Path.Combine(recipe.Faces.Root, "resumed");

        var run = TrainingTool.Run(["train", "--resume", recipe.Checkpoint, "--out", folder, "--steps", "3", "--log-every", "1", "--threads", "1"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"resumed {recipe.Checkpoint} at step 2", run.Output);
        Assert.Equal(["3"], StepLine().Matches(run.Output).Select(m => m.Groups["step"].Value));
    }

    [Theory]
    [InlineData("--architecture", "vgg11-bn", "architecture vgg16-bn in the checkpoint but vgg11-bn asked for")]
    [InlineData("--input-size", "64", "input_size 32 in the checkpoint but 64 asked for")]
    public void Resume_into_a_different_network_is_refused_in_one_line(string option, string value, string reason)
    {
        var folder = Path.Combine(recipe.Faces.Root, $"refused{option}");

        var run = TrainingTool.Run(["train", "--resume", recipe.Checkpoint, "--out", folder, "--steps", "3", option, value]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {recipe.Checkpoint}: cannot resume a different network: {reason}", run.Error.Trim());
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any());
    }

    [Fact]
    public void Resume_from_a_file_that_is_not_a_checkpoint_is_refused_naming_it()
    {
        var bogus = Path.Combine(recipe.Faces.NewFolder("bogus"), "checkpoint.pt");
        File.WriteAllText(bogus, "not a checkpoint");

        var run = TrainingTool.Run(["train", "--resume", bogus, "--out", Path.GetDirectoryName(bogus)!]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {bogus}: is not a training checkpoint", run.Error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", run.Error);
    }

    [Fact]
    public void Export_gives_an_embedder_and_a_head_that_onnx_runtime_runs_and_the_quantizer_accepts()
    {
        var folder = recipe.Faces.NewFolder("export");

        var export = TrainingTool.Run(["export", "--checkpoint", recipe.Checkpoint, "--out", folder, "--models", TestAssets.ModelsFolder]);

        Assert.True(export.ExitCode == 0, export.ToString());
        var embedder = Path.Combine(folder, "siamese-fp32.onnx");
        var embeddings = RunEmbedder(embedder, batch: 2);
        Assert.Equal([2, 512], embeddings.Dimensions.ToArray());
        Assert.All(embeddings, v => Assert.True(float.IsFinite(v)));

        using (var head = new InferenceSession(Path.Combine(folder, "siamese-fp32-head.onnx")))
        {
            var first = new DenseTensor<float>(embeddings.Buffer[..512].ToArray(), [1, 512]);
            var second = new DenseTensor<float>(embeddings.Buffer[512..].ToArray(), [1, 512]);
            using var results = head.Run([NamedOnnxValue.CreateFromTensor("first", first), NamedOnnxValue.CreateFromTensor("second", second)]);
            var same = results.Single().AsTensor<float>();
            Assert.Equal([1], same.Dimensions.ToArray());
            Assert.InRange(same[0], 0f, 1f);
        }

        // The manifest written beside the export lets the project's own quantizer calibrate on real aligned faces.
        var int8 = Path.Combine(folder, "siamese-int8.onnx");
        var error = new StringWriter();
        var exitCode = ModelToolsCli.Create().Parse(["quantize", "--models", folder, "--embedder", "siamese-fp32", "--out", int8])
            .Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exitCode == 0, error.ToString());
        Assert.True(File.Exists(Path.ChangeExtension(int8, ".quantization.json")));
        Assert.Equal([1, 512], RunEmbedder(int8, batch: 1).Dimensions.ToArray());
    }

    [Fact]
    public void Recipe_unit_checks_pass()
    {
        var run = TrainingTool.RunPython(["-m", "unittest", "discover", "-s", "tests"]);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private static DenseTensor<float> RunEmbedder(string path, int batch)
    {
        using var session = new InferenceSession(path);
        var pixels = Enumerable.Range(0, batch * 3 * 32 * 32).Select(i => MathF.Sin(i * 0.01f)).ToArray();
        var input = new DenseTensor<float>(pixels, new[] { batch, 3, 32, 32 });
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var output = results.Single(r => r.Name == "embedding").AsTensor<float>();
        return new DenseTensor<float>(output.ToArray(), output.Dimensions.ToArray());
    }

    [GeneratedRegex(@"^step (?<step>\d+) loss (?<loss>\S+) bce \S+", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}
