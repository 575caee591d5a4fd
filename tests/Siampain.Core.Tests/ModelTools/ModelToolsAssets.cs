using Siampain.ModelTools.Import;
using Siampain.Packages;

namespace Siampain.Tests.ModelTools;

/// <summary>The real MobileFaceNet TFLite file from its pinned package, and scratch folders that clean up after themselves.</summary>
internal static class ModelToolsAssets
{
    public static string MobileFaceNetTfLite => MobileFaceNet.TfLitePath(PackageCache.Default());
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("siampain-modeltools-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
