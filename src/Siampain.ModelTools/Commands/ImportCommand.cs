using System.CommandLine;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
using Siampain.Packages;

namespace Siampain.ModelTools.Commands;

/// <summary>`import`: MobileFaceNet TFLite -> fp32 ONNX.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var tflite = new Option<FileInfo?>("--tflite")
        {
            Description = $"TFLite file to import (default: {MobileFaceNet.FileInPackage} from the pinned {MobileFaceNet.Package.Spec})",
        };
        var output = new Option<FileInfo>("--out") { Description = "ONNX file to write", Required = true };
        var command = new Command("import", "Import the MobileFaceNet TFLite model to an fp32 ONNX model (opset 13)") { tflite, output };
        command.SetAction(result => ToolAction.Run(result, console =>
        {
            var source = result.GetValue(tflite)?.FullName ?? MobileFaceNet.TfLitePath(PackageCache.Default());
            var target = result.GetRequiredValue(output).FullName;
            OnnxFile.Save(MobileFaceNet.Import(source), target);
            console.WriteLine($"wrote {target} ({new FileInfo(target).Length:N0} bytes, sha256 {PackageCache.Sha256Of(target)})");
        }));
        return command;
    }
}
