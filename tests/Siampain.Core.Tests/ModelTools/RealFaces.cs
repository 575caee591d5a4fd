using Siampain.Models;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;

namespace Siampain.Tests.ModelTools;

/// <summary>Embeddings of the 22 real sample-photo faces (and their mirror images) through a manifest's embedder.</summary>
internal static class RealFaces
{
    public static IReadOnlyList<(float[] Face, float[] Mirror)> Embed(ModelManifest manifest, string embedder)
    {
        var entry = manifest.Embedder(embedder);
        var crops = FaceCrops.FromSamplePhotos(PackageCache.Default(), manifest, embedder);
        var mirrored = crops.Select(c => CalibrationFaces.Mirror(c.Image)).ToList();
        using var runner = new OrtRunner(File.ReadAllBytes(manifest.PathOf(entry)), entry.File);
        var faces = Run(runner, [.. crops.Select(c => c.Image)], entry);
        var mirrors = Run(runner, mirrored, entry);
        return [.. faces.Zip(mirrors)];
    }

    public static float Cosine(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    private static float[][] Run(OrtRunner runner, List<Siampain.Imaging.RgbImage> images, EmbedderManifest entry)
    {
        var output = runner.Run(FaceCrops.ToTensor(images, entry.Normalization), images.Count)[entry.Output];
        return [.. output.Chunk(entry.Dimensions)];
    }
}
