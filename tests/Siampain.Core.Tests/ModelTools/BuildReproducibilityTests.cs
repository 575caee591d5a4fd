using System.CommandLine;
using Siampain.Models;
using Siampain.ModelTools.Build;
using Siampain.ModelTools.Commands;
using Siampain.Packages;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.ModelTools;

public sealed class BuildReproducibilityTests
{
    [Fact]
    public void Build_from_the_pinned_packages_reproduces_the_committed_models_byte_for_byte()
    {
        // A manifest already in the folder (as in a checkout) keeps what evaluation wrote into it; the distilled
        // weights are trained, not packaged, so they come with it.
        using var temp = FolderWith((ModelManifest.FileName, ModelManifest.FileName), (ModelBuild.DistilledFp32File, ModelBuild.DistilledFp32File));

        var (exitCode, error) = Build(temp);

        Assert.True(exitCode == 0, error);
        var committed = Directory.GetFiles(TestAssets.ModelsFolder, "*.onnx").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(committed, Directory.GetFiles(temp.Path, "*.onnx").Select(Path.GetFileName).Order().ToArray());
        foreach (var name in committed)
        {
            Assert.True(
                PackageCache.Sha256Of(Path.Combine(TestAssets.ModelsFolder, name!)) == PackageCache.Sha256Of(temp.File(name!)),
                $"{name} rebuilt differs from the committed file; rebuild with `siampain-models build --out models` and commit");
        }

        Assert.Equal(
            File.ReadAllText(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName)),
            File.ReadAllText(temp.File(ModelManifest.FileName)));
    }

    [Fact]
    public void Build_without_the_trained_weights_says_where_they_come_from()
    {
        using var temp = FolderWith((ModelManifest.FileName, ModelManifest.FileName));

        var (exitCode, error) = Build(temp);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(ModelBuild.DistilledFp32File, error, StringComparison.Ordinal);
        Assert.Contains("trained weights are missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_refuses_trained_weights_other_than_those_the_manifest_was_fitted_for()
    {
        using var temp = FolderWith((ModelManifest.FileName, ModelManifest.FileName), (ModelBuild.Fp32File, ModelBuild.DistilledFp32File));

        var (exitCode, error) = Build(temp);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("is not the", error, StringComparison.Ordinal);
        Assert.Contains("--write-manifest", error, StringComparison.Ordinal);
    }

    /// <summary>A temporary folder holding copies of committed model files, each under the name given beside it.</summary>
    private static TempFolder FolderWith(params (string Committed, string As)[] files)
    {
        var temp = new TempFolder();
        foreach (var (committed, name) in files)
        {
            File.Copy(Path.Combine(TestAssets.ModelsFolder, committed), temp.File(name));
        }

        return temp;
    }

    private static (int ExitCode, string Error) Build(TempFolder folder)
    {
        var error = new StringWriter();
        var exitCode = ModelToolsCli.Create().Parse(["build", "--out", folder.Path]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exitCode, error.ToString());
    }

    [Fact]
    public void Models_md_documents_the_sha256_of_every_committed_model()
    {
        var text = File.ReadAllText(Path.Combine(TestAssets.ModelsFolder, "MODELS.md"));
        var manifest = TestAssets.Manifest;
        foreach (var file in new ModelFile[] { manifest.Detector }.Concat(manifest.Embedders.Values))
        {
            Assert.True(text.Contains(file.Sha256, StringComparison.Ordinal), $"MODELS.md does not list {file.File}'s sha256 {file.Sha256}");
        }
    }
}
