using System.Numerics;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>How one evaluation image was turned into an embedding.</summary>
public enum FaceSource
{
    /// <summary>The detector found the face in the image as given.</summary>
    Detected,

    /// <summary>The detector missed the masked face; the keypoints found on the same photo before masking were used.</summary>
    UnmaskedKeypoints,

    /// <summary>The detector missed; the data set's mean keypoints were used (LFW photos are centred, so this is a fair guess).</summary>
    MeanKeypoints,

    /// <summary>The image could not be read.</summary>
    Unreadable,
}

/// <summary>
/// Embeds every image an evaluation needs, once, optionally with a mask painted on. Misses are never dropped:
/// each image records how it was embedded so a report can count detector misses.
/// </summary>
public sealed class FaceEmbeddingSet
{
    private readonly Dictionary<string, (float[] Embedding, FaceSource Source)> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public (float[] Embedding, FaceSource Source) this[string key] => _entries[key];

    public int CountBy(FaceSource source) => _entries.Values.Count(e => e.Source == source);

    /// <summary>
    /// Embeds <paramref name="relativePaths"/> under <paramref name="root"/>. With <paramref name="masks"/>, each image
    /// gets a mask (picked per image, deterministically) anchored on the keypoints detected before masking, and is
    /// then detected again as the terminal would see it; <paramref name="masked"/> sees each masked image.
    /// </summary>
    public static FaceEmbeddingSet Build(FaceAnalyzer analyzer, string root, IEnumerable<string> relativePaths, IReadOnlyList<MaskTemplate>? masks = null, IProgress<int>? progress = null, Action<string, RgbImage>? masked = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var set = new FaceEmbeddingSet();
        var misses = new List<(string Path, RgbImage Image)>();
        var keypointSum = new Vector2[FaceKeypoints.Count];
        var keypointCount = 0;
        var done = 0;
        foreach (var relative in relativePaths.Distinct(StringComparer.Ordinal))
        {
            progress?.Report(++done);
            RgbImage image;
            try
            {
                image = ImageFile.Load(Path.Combine(root, relative));
            }
            catch (InvalidImageException)
            {
                set._entries[relative] = (new float[analyzer.Embedder.Dimensions], FaceSource.Unreadable);
                continue;
            }

            var face = analyzer.FindCentralFace(image);
            if (face is { } found)
            {
                for (var k = 0; k < FaceKeypoints.Count; k++)
                {
                    keypointSum[k] += found.Keypoints[k] / new Vector2(image.Width, image.Height);
                }

                keypointCount++;
            }

            if (masks is null)
            {
                if (face is { } plain)
                {
                    set._entries[relative] = (analyzer.Embed(image, plain), FaceSource.Detected);
                }
                else
                {
                    misses.Add((relative, image));
                }

                continue;
            }

            if (face is not { } anchor)
            {
                misses.Add((relative, image));
                continue;
            }

            PaintMask(image, anchor, masks, relative);
            masked?.Invoke(relative, image);
            var afterMask = analyzer.FindCentralFace(image);
            set._entries[relative] = afterMask is { } seen
                ? (analyzer.Embed(image, seen), FaceSource.Detected)
                : (analyzer.Embed(image, anchor), FaceSource.UnmaskedKeypoints);
        }

        // Misses are embedded last, from the mean keypoints of the faces that were found, so the fallback does
        // not depend on the order of the images.
        foreach (var (relative, image) in misses)
        {
            var keypoints = default(FaceKeypoints);
            for (var k = 0; k < FaceKeypoints.Count; k++)
            {
                keypoints[k] = keypointCount == 0 ? new Vector2(image.Width, image.Height) / 2 : keypointSum[k] / keypointCount * new Vector2(image.Width, image.Height);
            }

            var face = new DetectedFace(new FaceBox(0, 0, image.Width, image.Height), 0, keypoints);
            if (masks is not null)
            {
                PaintMask(image, face, masks, relative);
            }

            set._entries[relative] = (analyzer.Embed(image, face), FaceSource.MeanKeypoints);
        }

        return set;
    }

    /// <summary>Picks a template by a stable hash of the image's name (front, or a side view when the head is turned) and paints it.</summary>
    public static void PaintMask(RgbImage image, in DetectedFace face, IReadOnlyList<MaskTemplate> masks, string key)
    {
        ArgumentNullException.ThrowIfNull(masks);
        var yaw = MaskAnchors.Yaw(face);
        var view = yaw < -0.2f ? "_left" : yaw > 0.2f ? "_right" : string.Empty;
        var fronts = masks.Where(m => !m.Name.EndsWith("_left", StringComparison.Ordinal) && !m.Name.EndsWith("_right", StringComparison.Ordinal)).ToArray();
        var front = fronts[(int)(StableHash(key) % (uint)fronts.Length)];
        var chosen = masks.FirstOrDefault(m => m.Name == front.Name + view) ?? front;
        chosen.Paint(image, MaskAnchors.Estimate(face));
    }

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
