using System.CommandLine;
using Siampain.Models;
using Siampain.ModelTools.Build;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;

namespace Siampain.ModelTools.Commands;

/// <summary>`quantize`: static int8 QDQ of an embedder listed in a models folder's manifest.</summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var models = new Option<DirectoryInfo>("--models")
        {
            Description = "models folder whose manifest gives the detector (to find calibration faces) and the embedder's preprocessing",
            Required = true,
        };
        var embedder = new Option<string>("--embedder") { Description = "manifest key of the float embedder to quantize", DefaultValueFactory = _ => ManifestWriter.Fp32 };
        var model = new Option<FileInfo?>("--model") { Description = "ONNX file to quantize instead of the manifest's file (same input layout and preprocessing)" };
        var output = new Option<FileInfo>("--out") { Description = "int8 ONNX file to write; the report goes beside it (.quantization.json)", Required = true };
        var percentile = new Option<double>("--percentile") { Description = "calibration percentile", DefaultValueFactory = _ => QuantizerOptions.DefaultPercentile };
        var targetCosine = new Option<double>("--target-cosine") { Description = "mean cosine to fp32 the layer selection aims for on calibration faces", DefaultValueFactory = _ => QuantizerOptions.DefaultTargetCosine };
        var fullRange = new Option<bool>("--full-range-weights") { Description = "8-bit weights instead of 7-bit (only for CPUs whose int8 dot products do not saturate)" };
        var command = new Command("quantize", "Quantize a float embedder to static int8 QDQ, layers chosen by measured sensitivity")
        {
            models, embedder, model, output, percentile, targetCosine, fullRange,
        };
        command.SetAction(result => ToolAction.Run(result, console =>
        {
            var manifest = ModelManifest.Load(result.GetRequiredValue(models).FullName);
            var key = result.GetRequiredValue(embedder);
            if (result.GetValue(model) is { } file)
            {
                OnnxFile.Load(file.FullName);
                manifest = manifest.WithEmbedder(key, e => e with { File = Path.GetRelativePath(manifest.Folder, file.FullName) });
            }

            var options = new QuantizerOptions
            {
                Percentile = result.GetValue(percentile),
                TargetCosine = result.GetValue(targetCosine),
                ReduceRange = !result.GetValue(fullRange),
            };
            var target = result.GetRequiredValue(output).FullName;
            var quantized = ModelBuild.Quantize(manifest, key, options, PackageCache.Default(), console);
            OnnxFile.Save(quantized.Model, target);
            var report = Path.ChangeExtension(target, ".quantization.json");
            File.WriteAllText(report, quantized.Report.ToJson());
            console.WriteLine($"wrote {target} ({new FileInfo(target).Length:N0} bytes) and {report}");
        }));
        return command;
    }
}
