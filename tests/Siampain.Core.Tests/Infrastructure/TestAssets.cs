using Siampain.Imaging;
using Siampain.Models;
using Siampain.Packages;

namespace Siampain.Tests.Infrastructure;

/// <summary>Real assets for tests: the committed models and real face photos from pinned registry packages.</summary>
public static class TestAssets
{
    public static string RepositoryRoot { get; } = RepositoryLayout.FindRoot();

    public static string ModelsFolder => Path.Combine(RepositoryRoot, "models");

    public static ModelManifest Manifest => ModelManifest.Load(ModelsFolder);

    /// <summary>The six face-api demo photos (22 faces in all), fetched and verified through the package cache.</summary>
    public static IReadOnlyList<string> SamplePhotoPaths
    {
        get
        {
            var folder = Path.Combine(PackageCache.Default().Get(PinnedPackage.FaceApi), "demo");
            return [.. Enumerable.Range(1, 6).Select(i => Path.Combine(folder, $"sample{i}.jpg"))];
        }
    }

    public static RgbImage LoadSample(int number) => ImageFile.Load(SamplePhotoPaths[number - 1]);
}
