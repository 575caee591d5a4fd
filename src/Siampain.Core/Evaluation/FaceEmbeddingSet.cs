using System.Numerics;
using System.Text;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>Probe images embedded both ways the door may embed them, by what the mask classifier says.</summary>
public sealed record ProbeSets(FaceEmbeddingSet Unmasked, FaceEmbeddingSet Masked)
{
    public FaceEmbeddingSet For(bool masked) => masked ? Masked : Unmasked;
}

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
/// Embeds every image an evaluation needs, once per condition (clean, masked with a template, painted with the
/// project's mask). Misses are never dropped: each image records how it was embedded so a report can count
/// detector misses. Sets can be kept in a cache folder, so that comparing matching strategies does not embed
/// thousands of photos again.
/// </summary>
public sealed class FaceEmbeddingSet
{
    private const int CacheFormat = 1;
    private readonly Dictionary<string, (float[] Embedding, FaceSource Source)> _entries = new(StringComparer.Ordinal);

    public FaceEmbeddingSet(FaceCondition condition) => Condition = condition;

    public FaceCondition Condition { get; }

    public int Count => _entries.Count;

    public (float[] Embedding, FaceSource Source) this[string key] => _entries[key];

    public bool Contains(string key) => _entries.ContainsKey(key);

    public int CountBy(FaceSource source) => _entries.Values.Count(e => e.Source == source);

    /// <summary>Counts only the given keys (a report covering part of a cached set).</summary>
    public int CountBy(FaceSource source, IEnumerable<string> keys) => keys.Distinct(StringComparer.Ordinal).Count(k => _entries[k].Source == source);

    /// <summary>
    /// Embeds <paramref name="relativePaths"/> under <paramref name="root"/> in every condition; returns one set per
    /// condition, in order. Masked conditions are anchored on the keypoints detected before masking;
    /// <paramref name="masked"/> sees each image a template condition painted.
    /// </summary>
    public static FaceEmbeddingSet[] Build(FaceAnalyzer analyzer, string root, IEnumerable<string> relativePaths, IReadOnlyList<FaceCondition> conditions, IProgress<int>? progress = null, Action<string, RgbImage>? masked = null, string? cacheFolder = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(conditions);
        var sets = conditions.Select(c => cacheFolder is null ? new FaceEmbeddingSet(c) : Load(CachePath(cacheFolder, analyzer, c), c, Width(analyzer, c))).ToArray();
        var misses = new List<(string Path, RgbImage Image, FaceEmbeddingSet[] Missing)>();
        var keypointSum = new Vector2[FaceKeypoints.Count];
        var keypointCount = 0;
        var added = false;
        foreach (var relative in relativePaths.Distinct(StringComparer.Ordinal))
        {
            progress?.Report(1);
            var missing = sets.Where(s => !s.Contains(relative)).ToArray();
            if (missing.Length == 0)
            {
                continue;
            }

            added = true;
            RgbImage image;
            try
            {
                image = ImageFile.Load(Path.Combine(root, relative));
            }
            catch (InvalidImageException)
            {
                foreach (var set in missing)
                {
                    set._entries[relative] = (new float[Width(analyzer, set.Condition)], FaceSource.Unreadable);
                }

                continue;
            }

            if (analyzer.FindCentralFace(image) is not { } face)
            {
                misses.Add((relative, image, missing));
                continue;
            }

            for (var k = 0; k < FaceKeypoints.Count; k++)
            {
                keypointSum[k] += face.Keypoints[k] / new Vector2(image.Width, image.Height);
            }

            keypointCount++;
            foreach (var set in missing)
            {
                var shown = set.Condition.Apply(image, face, relative);
                if (!set.Condition.Redetect || set.Condition.KeepCleanKeypoints)
                {
                    set._entries[relative] = (Embed(analyzer, shown, face, set.Condition), FaceSource.Detected);
                    continue;
                }

                masked?.Invoke(relative, shown);
                set._entries[relative] = analyzer.FindCentralFace(shown) is { } seen
                    ? (Embed(analyzer, shown, seen, set.Condition), FaceSource.Detected)
                    : (Embed(analyzer, shown, face, set.Condition), FaceSource.UnmaskedKeypoints);
            }
        }

        // Misses are embedded last, from the mean keypoints of the faces that were found, so the fallback does
        // not depend on the order of the images.
        foreach (var (relative, image, missing) in misses)
        {
            var keypoints = default(FaceKeypoints);
            for (var k = 0; k < FaceKeypoints.Count; k++)
            {
                keypoints[k] = keypointCount == 0 ? new Vector2(image.Width, image.Height) / 2 : keypointSum[k] / keypointCount * new Vector2(image.Width, image.Height);
            }

            var face = new DetectedFace(new FaceBox(0, 0, image.Width, image.Height), 0, keypoints);
            foreach (var set in missing)
            {
                set._entries[relative] = (Embed(analyzer, set.Condition.Apply(image, face, relative), face, set.Condition), FaceSource.MeanKeypoints);
            }
        }

        if (cacheFolder is not null && added)
        {
            Directory.CreateDirectory(cacheFolder);
            foreach (var set in sets)
            {
                set.Save(CachePath(cacheFolder, analyzer, set.Condition));
            }
        }

        return sets;
    }

    /// <summary>
    /// <paramref name="images"/> in <paramref name="condition"/> embedded as the door embeds a face the mask classifier
    /// calls unmasked and one it calls masked (one set for both when the embedder's mirror policy treats them alike).
    /// A set in <paramref name="built"/> of the wanted condition, covering the images, is used instead of embedding again.
    /// </summary>
    public static ProbeSets BuildProbes(FaceAnalyzer analyzer, string root, IReadOnlyCollection<string> images, FaceCondition condition, IProgress<int>? progress = null, Action<string, RgbImage>? masked = null, string? cacheFolder = null, params FaceEmbeddingSet[] built)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(condition);
        var policy = analyzer.Embedder.Mirror;
        FaceEmbeddingSet For(FaceCondition wanted, FaceEmbeddingSet[] candidates) =>
            candidates.FirstOrDefault(s => s.Condition == wanted) ?? Build(analyzer, root, images, [wanted], progress, masked, cacheFolder)[0];
        var unmasked = For(condition.AsProbe(policy, masked: false), built);
        return new ProbeSets(unmasked, For(condition.AsProbe(policy, masked: true), [unmasked, .. built]));
    }

    private static float[] Embed(FaceAnalyzer analyzer, RgbImage image, in DetectedFace detected, FaceCondition condition)
    {
        var face = condition.IsEyeAligned ? EyeAlignment.FromEyes(detected, analyzer.Embedder.Manifest.AlignmentTemplate) : detected;
        if (condition.IsMaskFeatures)
        {
            var aligner = analyzer.Embedder.Aligner;
            var crop = new float[aligner.Size * aligner.Size * 3];
            aligner.AlignInto(image, face, crop);
            var features = new float[MaskFeatures.Count];
            MaskFeatures.Compute(crop, aligner.Size, features);
            return features;
        }

        return condition.FirstBlankRow == int.MaxValue ? analyzer.Embed(image, face, condition.IsMirrored) : UpperFace.Embed(analyzer, image, face, condition.FirstBlankRow, condition.IsMirrored);
    }

    private static int Width(FaceAnalyzer analyzer, FaceCondition condition) => condition.IsMaskFeatures ? MaskFeatures.Count : analyzer.Embedder.Dimensions;

    private static string CachePath(string folder, FaceAnalyzer analyzer, FaceCondition condition) =>
        Path.Combine(folder, $"{condition.Name}-{analyzer.Embedder.ModelId.Replace('@', '-')}.bin");

    private void Save(string path)
    {
        var temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            writer.Write(CacheFormat);
            writer.Write(_entries.Count);
            foreach (var (key, (embedding, source)) in _entries)
            {
                writer.Write(key);
                writer.Write((byte)source);
                writer.Write(embedding.Length);
                foreach (var value in embedding)
                {
                    writer.Write(value);
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A cached set, or an empty one when there is no cache yet or it is of another format or width.</summary>
    private static FaceEmbeddingSet Load(string path, FaceCondition condition, int dimensions)
    {
        var set = new FaceEmbeddingSet(condition);
        if (!File.Exists(path))
        {
            return set;
        }

        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (reader.ReadInt32() != CacheFormat)
        {
            return set;
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var source = (FaceSource)reader.ReadByte();
            var length = reader.ReadInt32();
            if (length != dimensions)
            {
                return new FaceEmbeddingSet(condition);
            }

            var embedding = new float[length];
            for (var k = 0; k < length; k++)
            {
                embedding[k] = reader.ReadSingle();
            }

            set._entries[key] = (embedding, source);
        }

        return set;
    }
}
