using Siampain.Models;
using Siampain.ModelTools.Import;
using Siampain.Packages;

namespace Siampain.ModelTools.Build;

/// <summary>
/// Writes models/manifest.json from the files actually present, keeping what evaluation chose
/// (thresholds, head) for embedders that already had an entry.
/// </summary>
internal static class ManifestWriter
{
    public const string DetectorFile = "blazeface-front-128.onnx";
    public const string Fp32 = "fp32";
    public const string Int8 = "int8";
    public const string DistilledFp32 = "distilled-fp32";
    public const string DistilledInt8 = "distilled-int8";

    /// <summary>The ArcFace/InsightFace 112x112 5-point template the embedder was trained on: eyes, nose, mouth corners.</summary>
    public static readonly float[] ArcFaceTemplate = [38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f];

    /// <summary>The manifest already in <paramref name="folder"/>, if any: read once before a build rewrites it.</summary>
    public static ModelManifest? TryLoad(string folder) =>
        File.Exists(Path.Combine(folder, ModelManifest.FileName)) ? ModelManifest.Load(folder) : null;

    /// <param name="previous">The manifest before the build started; its evaluation fields are carried over.</param>
    public static ModelManifest Write(string folder, IReadOnlyDictionary<string, string> embedderFiles, ModelManifest? previous)
    {
        ArgumentNullException.ThrowIfNull(embedderFiles);

        // Embedders this build does not make (added by hand or by another tool) stay as they are.
        var embedders = new SortedDictionary<string, EmbedderManifest>(
            previous?.Embedders.ToDictionary() ?? [], StringComparer.Ordinal);
        foreach (var (key, file) in embedderFiles)
        {
            var built = new EmbedderManifest
            {
                File = file,
                Sha256 = PackageCache.Sha256Of(Path.Combine(folder, file)),
                Input = MobileFaceNet.InputName,
                Output = MobileFaceNet.OutputName,
                Size = MobileFaceNet.Size,
                Dimensions = MobileFaceNet.Dimensions,
                Normalization = new PixelNormalization(MobileFaceNet.Mean, MobileFaceNet.Std),
                AlignmentTemplate = ArcFaceTemplate,
            };

            // Start from the previous entry so whatever evaluation wrote there (thresholds, head, fields added
            // later) survives; only what the build knows is replaced.
            embedders[key] = previous?.Embedders.GetValueOrDefault(key) is { } kept
                ? kept with
                {
                    File = built.File,
                    Sha256 = built.Sha256,
                    Input = built.Input,
                    Output = built.Output,
                    Size = built.Size,
                    Dimensions = built.Dimensions,
                    Normalization = built.Normalization,
                    AlignmentTemplate = built.AlignmentTemplate,
                }
                : built;
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
            DefaultEmbedder = previous is not null && embedders.ContainsKey(previous.DefaultEmbedder) ? previous.DefaultEmbedder
                : embedders.ContainsKey(Int8) ? Int8 : Fp32,
        };
        manifest.Save(folder);
        return ModelManifest.Load(folder);
    }
}
