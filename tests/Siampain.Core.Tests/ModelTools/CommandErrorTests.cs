using System.CommandLine;
using Siampain.ModelTools.Commands;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.ModelTools;

public sealed class CommandErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Import_of_a_corrupt_tflite_fails_with_one_line_naming_the_file()
    {
        var corrupt = _temp.File("broken.tflite");
        File.WriteAllText(corrupt, "not a flatbuffer at all");
        var output = _temp.File("out.onnx");

        var (exitCode, error) = Run("import", "--from", corrupt, "--out", output);

        Assert.Equal(1, exitCode);
        Assert.Contains(corrupt, error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Import_of_a_missing_tflite_fails_naming_the_file()
    {
        var missing = _temp.File("missing.tflite");

        var (exitCode, error) = Run("import", "--from", missing, "--out", _temp.File("out.onnx"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"{missing}: does not exist", error);
    }

    [Fact]
    public void Import_of_a_valid_tflite_the_importer_cannot_handle_fails_naming_the_file()
    {
        // MTCNN's P-Net from the same package: a real TFLite model, but with two outputs.
        var pnet = Path.Combine(Path.GetDirectoryName(ModelToolsAssets.MobileFaceNetTfLite)!, "pnet.tflite");

        var (exitCode, error) = Run("import", "--from", pnet, "--out", _temp.File("out.onnx"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"{pnet}: cannot be imported", error);
    }

    [Fact]
    public void Import_of_a_corrupt_tensorflow_js_weights_manifest_fails_with_one_line_naming_the_file()
    {
        var corrupt = _temp.File("weights_manifest.json");
        File.WriteAllText(corrupt, "[{\"paths\": [\"missing.bin\"], \"weights\": [");
        var output = _temp.File("out.onnx");

        var (exitCode, error) = Run("import", "--model", "dlib-resnet", "--from", corrupt, "--out", output);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{corrupt}: cannot be imported", error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Quantize_of_a_corrupt_onnx_fails_naming_the_file()
    {
        var corrupt = _temp.File("broken.onnx");
        File.WriteAllBytes(corrupt, [0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);

        var (exitCode, error) = Run("quantize", "--models", TestAssets.ModelsFolder, "--model", corrupt, "--out", _temp.File("int8.onnx"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"{corrupt}: is not an ONNX model", error);
    }

    private static (int ExitCode, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var exitCode = ModelToolsCli.Create().Parse(args).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exitCode, error.ToString());
    }
}
