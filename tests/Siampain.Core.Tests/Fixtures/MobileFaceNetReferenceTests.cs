using Siampain.Imaging;
using Siampain.Packages;

namespace Siampain.Tests.Fixtures;

public sealed class MobileFaceNetReferenceTests
{
    private const int MinimumFaces = 20;
    private const int CropSide = 112;
    private const int EmbeddingSize = 192;

    [Fact]
    public void Fixture_crops_decode_as_112x112_and_are_the_crops_the_reference_was_made_from()
    {
        var reference = MobileFaceNetReference.Load();
        Assert.True(reference.Crops.Count >= MinimumFaces, $"only {reference.Crops.Count} reference faces");
        foreach (var crop in reference.Crops)
        {
            var path = reference.PathOf(crop);
            var image = ImageFile.Load(path);
            Assert.Equal((CropSide, CropSide), (image.Width, image.Height));
            Assert.True(reference.File.CropSha256.TryGetValue(crop, out var expected), $"{crop}: no checksum in the fixture");
            Assert.Equal(expected, PackageCache.Sha256Of(path));
        }

        // Every crop in the folder has a reference output: none was added without re-running the harness.
        var onDisk = Directory.EnumerateFiles(reference.Folder, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(reference.Crops, onDisk);
    }

    [Fact]
    public void Reference_outputs_are_finite_192_d_vectors_of_distinct_faces_from_the_pinned_model()
    {
        var reference = MobileFaceNetReference.Load();
        Assert.Equal(PinnedPackage.ExpoFaceDetection.Spec, reference.File.Model.Package);
        Assert.Equal(PinnedPackage.ExpoFaceDetection.TarballSha256, reference.File.Model.TarballSha256);
        Assert.Equal([1, CropSide, CropSide, 3], reference.File.Input.Shape);

        var outputs = reference.Crops.Select(c => reference.File.Outputs[c]).ToArray();
        Assert.All(outputs, o => Assert.Equal(EmbeddingSize, o.Length));
        Assert.All(outputs, o => Assert.All(o, v => Assert.True(float.IsFinite(v))));

        // A broken graph maps every face to one embedding; real faces of different people are far apart.
        var distinctPairs = 0;
        for (var i = 0; i < outputs.Length; i++)
        {
            for (var j = i + 1; j < outputs.Length; j++)
            {
                distinctPairs += MobileFaceNetReference.Cosine(outputs[i], outputs[j]) < 0.9 ? 1 : 0;
            }
        }

        var pairs = outputs.Length * (outputs.Length - 1) / 2;
        Assert.True(distinctPairs >= pairs * 0.95, $"only {distinctPairs} of {pairs} face pairs have cosine < 0.9");
    }
}
