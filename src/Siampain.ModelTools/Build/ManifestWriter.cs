using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.Packages;

namespace Siampain.ModelTools.Build;

/// <summary>
/// Writes models/manifest.json from the files actually present, keeping what evaluation chose
/// (verification threshold, head) for embedders that already had an entry.
/// </summary>
internal static class ManifestWriter
{
    public const string DetectorFile = "blazeface-front-128.onnx";
    public const string Fp32 = "fp32";
    public const string Int8 = "int8";

    /// <summary>The ArcFace/InsightFace 112x112 5-point template the embedder was trained on: eyes, nose, mouth corners.</summary>
    public static readonly float[] ArcFaceTemplate = [38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f];

    public static ModelManifest Write(string folder, IReadOnlyDictionary<string, string> embedderFiles)
    {
        ArgumentNullException.ThrowIfNull(embedderFiles);
        var previous = File.Exists(Path.Combine(folder, ModelManifest.FileName)) ? ModelManifest.Load(folder) : null;
        var embedders = new SortedDictionary<string, EmbedderManifest>(StringComparer.Ordinal);
        foreach (var (key, file) in embedderFiles)
        {
            var kept = previous?.Embedders.GetValueOrDefault(key);
            embedders[key] = new EmbedderManifest
            {
                File = file,
                Sha256 = PackageCache.Sha256Of(Path.Combine(folder, file)),
                Input = MobileFaceNet.InputName,
                Output = MobileFaceNet.OutputName,
                Size = MobileFaceNet.Size,
                Dimensions = MobileFaceNet.Dimensions,
                Normalization = new PixelNormalization(MobileFaceNet.Mean, MobileFaceNet.Std),
                AlignmentTemplate = ArcFaceTemplate,
                VerificationThreshold = kept?.VerificationThreshold ?? 0,
                Head = kept?.Head,
            };
        }

        var manifest = new ModelManifest
        {
            Detector = new DetectorManifest
            {
                File = DetectorFile,
                Sha256 = PackageCache.Sha256Of(Path.Combine(folder, DetectorFile)),
                Input = "input:0",
                Size = 128,
                Normalization = new PixelNormalization(127.5f, 127.5f),
                ScoreThreshold = 0.75f,
                NmsIouThreshold = 0.3f,
            },
            Embedders = embedders,
            DefaultEmbedder = embedders.ContainsKey(Int8) ? Int8 : Fp32,
        };
        manifest.Save(folder);
        return ModelManifest.Load(folder);
    }
}
