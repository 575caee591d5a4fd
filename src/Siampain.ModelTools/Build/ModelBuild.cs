using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.ModelTools.Onnx;
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

    public ModelManifest Run(string folder)
    {
        Directory.CreateDirectory(folder);
        var detector = Path.Combine(cache.Get(PinnedPackage.BlazeFace), DetectorInPackage);
        File.Copy(detector, Path.Combine(folder, ManifestWriter.DetectorFile), overwrite: true);
        log.WriteLine($"detector: {PinnedPackage.BlazeFace.Spec}/{DetectorInPackage} -> {ManifestWriter.DetectorFile}");

        var fp32Path = Path.Combine(folder, Fp32File);
        OnnxFile.Save(MobileFaceNet.Import(MobileFaceNet.TfLitePath(cache)), fp32Path);
        log.WriteLine($"embedder fp32: {MobileFaceNet.Package.Spec}/{MobileFaceNet.FileInPackage} -> {Fp32File} ({new FileInfo(fp32Path).Length:N0} bytes)");

        var embedders = new Dictionary<string, string> { [ManifestWriter.Fp32] = Fp32File };
        return ManifestWriter.Write(folder, embedders);
    }
}
