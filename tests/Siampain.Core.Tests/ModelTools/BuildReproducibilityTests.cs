using System.CommandLine;
using Siampain.Models;
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

        // A manifest already in the folder (as in a checkout) keeps what evaluation wrote into it.
        File.Copy(Path.Combine(TestAssets.ModelsFolder, ModelManifest.FileName), temp.File(ModelManifest.FileName));
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
