using System.CommandLine;
using Siampain.ModelTools.Reference;

namespace Siampain.Tests.Conversion;

public sealed class ReferenceCropsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-reference-crops-").FullName;

    [Fact]
    public void A_models_folder_without_manifest_is_named_in_the_error_and_existing_crops_are_kept()
    {
        var models = Directory.CreateDirectory(Path.Combine(_folder, "models")).FullName;
        var crops = Directory.CreateDirectory(Path.Combine(_folder, "crops")).FullName;
        var existing = Path.Combine(crops, "kept.png");
        File.WriteAllBytes(existing, [1, 2, 3]);

        var (exitCode, error) = Invoke("reference-crops", "--out", crops, "--models", models);

        Assert.Equal(1, exitCode);
        Assert.Contains(Path.Combine(models, "manifest.json"), error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(existing));
    }

    [Fact]
    public void A_corrupt_manifest_is_named_in_the_error()
    {
        var models = Directory.CreateDirectory(Path.Combine(_folder, "models")).FullName;
        File.WriteAllText(Path.Combine(models, "manifest.json"), "{ not json");

        var (exitCode, error) = Invoke("reference-crops", "--out", Path.Combine(_folder, "crops"), "--models", models);

        Assert.Equal(1, exitCode);
        Assert.Contains("manifest.json: is not a valid model manifest", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "crops")));
    }

    private static (int ExitCode, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { ReferenceCropsCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, error.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
