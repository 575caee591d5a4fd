using System.Numerics;
using Siampain.Alignment;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;
using Siampain.Packages;

namespace Siampain.ModelTools.Quantization;

/// <summary>One aligned face crop and where it came from.</summary>
internal sealed record FaceCrop(string Source, RgbImage Image);

/// <summary>
/// Real aligned faces that any fresh clone can rebuild: the demo photos of a pinned registry package, found by the
/// project's own detector and aligned by its own aligner, so calibration sees exactly what the terminal feeds the model.
/// </summary>
internal static class FaceCrops
{
    public const int SamplePhotos = 6;

    public static IReadOnlyList<FaceCrop> FromSamplePhotos(PackageCache cache, ModelManifest manifest, string embedder)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(manifest);
        var folder = Path.Combine(cache.Get(PinnedPackage.FaceApi), "demo");
        using var blazeFace = new BlazeFaceDetector(manifest);
        var detector = new PhotoFaceDetector(blazeFace);
        var aligner = new FaceAligner(manifest.Embedder(embedder));
        var crops = new List<FaceCrop>();
        var faces = new List<DetectedFace>();
        for (var n = 1; n <= SamplePhotos; n++)
        {
            var name = $"sample{n}.jpg";
            var image = ImageFile.Load(Path.Combine(folder, name));
            detector.Detect(image, faces);

            // Reading order on a coarse grid, so tiny numeric differences between machines keep the same order.
            foreach (var face in faces.OrderBy(f => MathF.Round(f.Box.Centre.Y / 32f)).ThenBy(f => f.Box.Centre.X))
            {
                crops.Add(new FaceCrop($"{name}#{crops.Count}", aligner.Crop(image, Snapped(face))));
            }
        }

        return crops;
    }

    /// <summary>
    /// Keypoints moved to a 1/8-pixel grid: the detector's last float bits differ between CPUs, and without the
    /// snap a few crop pixels could round the other way and nudge the calibrated ranges of the quantized model.
    /// </summary>
    private static DetectedFace Snapped(DetectedFace face)
    {
        const float Grid = 8f;
        var keypoints = face.Keypoints;
        for (var i = 0; i < FaceKeypoints.Count; i++)
        {
            keypoints[i] = new Vector2(MathF.Round(keypoints[i].X * Grid), MathF.Round(keypoints[i].Y * Grid)) / Grid;
        }

        return face with { Keypoints = keypoints };
    }

    /// <summary>Writes crops into an NHWC tensor with the embedder's normalisation.</summary>
    public static float[] ToTensor(IReadOnlyList<RgbImage> crops, PixelNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(crops);
        ArgumentNullException.ThrowIfNull(normalization);
        var size = crops.Count == 0 ? 0 : crops[0].Width * crops[0].Height * 3;
        var tensor = new float[crops.Count * size];
        var scale = 1f / normalization.Std;
        for (var i = 0; i < crops.Count; i++)
        {
            var pixels = crops[i].Pixels.AsSpan(0, size);
            var target = tensor.AsSpan(i * size, size);
            for (var j = 0; j < size; j++)
            {
                target[j] = (pixels[j] - normalization.Mean) * scale;
            }
        }

        return tensor;
    }
}
