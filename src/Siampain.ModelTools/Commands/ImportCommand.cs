using System.CommandLine;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
using Siampain.Packages;

namespace Siampain.ModelTools.Commands;

/// <summary>`import`: a pretrained embedder from its package form to fp32 ONNX.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = $"Which embedder: mobilefacenet (TFLite, {MobileFaceNet.Package.Spec}) or dlib-resnet (TensorFlow.js weights, {DlibResNet.Package.Spec})",
            DefaultValueFactory = _ => "mobilefacenet",
        };
        model.AcceptOnlyFromAmong("mobilefacenet", "dlib-resnet");
        var source = new Option<FileInfo?>("--from")
        {
            Description = $"File to import instead of the pinned package's ({MobileFaceNet.FileInPackage} or {DlibResNet.WeightsInPackage})",
        };
        var output = new Option<FileInfo>("--out") { Description = "ONNX file to write", Required = true };
        var command = new Command("import", "Import a pretrained face embedder to an fp32 ONNX model (opset 13)") { model, source, output };
        command.SetAction(result => ToolAction.Run(result, console =>
        {
            var from = result.GetValue(source)?.FullName;
            var target = result.GetRequiredValue(output).FullName;
            var onnx = result.GetValue(model) == "dlib-resnet"
                ? DlibResNet.Import(from ?? DlibResNet.WeightsPath(PackageCache.Default()))
                : MobileFaceNet.Import(from ?? MobileFaceNet.TfLitePath(PackageCache.Default()));
            OnnxFile.Save(onnx, target);
            console.WriteLine($"wrote {target} ({new FileInfo(target).Length:N0} bytes, sha256 {PackageCache.Sha256Of(target)})");
        }));
        return command;
    }
}
