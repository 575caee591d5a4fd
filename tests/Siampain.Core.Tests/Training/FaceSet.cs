using Siampain.Imaging;
using Siampain.ModelTools.Build;
using Siampain.ModelTools.Quantization;
using Siampain.Packages;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Training;

/// <summary>
/// A tiny identity-per-folder data set made from the 22 real faces of the sample photos, aligned by the project:
/// each face becomes a person with two photos (the crop and its mirror image), since the photos repeat nobody.
/// </summary>
public sealed class FaceSet : IDisposable
{
    public FaceSet()
    {
        var crops = FaceCrops.FromSamplePhotos(PackageCache.Default(), TestAssets.Manifest, ManifestWriter.Fp32);
        Faces = [.. crops.Select(c => c.Image)];
        Root = Directory.CreateTempSubdirectory("siampain-training-").FullName;
        Folder = Write("faces", Faces.Count, photos: 2);
    }

    /// <summary>Scratch space for one test; deleted with the fixture.</summary>
    public string Root { get; }

    /// <summary>The data set: person00 .. person21, two photos each.</summary>
    public string Folder { get; }

    public IReadOnlyList<RgbImage> Faces { get; }

    /// <summary>Writes <paramref name="people"/> identity folders of <paramref name="photos"/> photos each under a new folder.</summary>
    public string Write(string name, int people, int photos)
    {
        var root = Path.Combine(Root, name);
        for (var p = 0; p < people; p++)
        {
            var person = Directory.CreateDirectory(Path.Combine(root, $"person{p:D2}")).FullName;
            var face = Faces[p % Faces.Count];
            for (var k = 0; k < photos; k++)
            {
                ImageFile.SavePng(k % 2 == 0 ? face : CalibrationFaces.Mirror(face), Path.Combine(person, $"{k}.png"));
            }
        }

        return root;
    }

    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
