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
        using var temp = new TempFolder();

        // A manifest already in the folder (as in a checkout) keeps what evaluation wrote into it; the distilled
        // weights are trained, not packaged, so they come with it.
        File.Copy(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName), temp.File(ModelManifest.FileName));
        File.Copy(Path.Combine(TestAssets.ModelsFolder, ModelBuild.DistilledFp32File), temp.File(ModelBuild.DistilledFp32File));
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = ModelToolsCli.Create().Parse(["build", "--out", temp.Path]).Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exitCode == 0, error.ToString());
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
        using var temp = new TempFolder();
        File.Copy(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName), temp.File(ModelManifest.FileName));
        var error = new StringWriter();

        var exitCode = ModelToolsCli.Create().Parse(["build", "--out", temp.Path]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(ModelBuild.DistilledFp32File, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("trained weights are missing", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_refuses_trained_weights_other_than_those_the_manifest_was_fitted_for()
    {
        using var temp = new TempFolder();
        File.Copy(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName), temp.File(ModelManifest.FileName));
        File.Copy(Path.Combine(TestAssets.ModelsFolder, ModelBuild.Fp32File), temp.File(ModelBuild.DistilledFp32File));
        var error = new StringWriter();

        var exitCode = ModelToolsCli.Create().Parse(["build", "--out", temp.Path]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("is not the", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--write-manifest", error.ToString(), StringComparison.Ordinal);
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
