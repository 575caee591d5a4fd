using System.CommandLine;
using Siampain.Models;

namespace Siampain.Cli;

/// <summary>Options shared by the commands that load models.</summary>
internal static class CommonOptions
{
    public static readonly Option<DirectoryInfo> Models = new("--models")
    {
        Description = "Folder holding manifest.json and the .onnx files (default: the models shipped beside the executable)",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "models")),
    };

    public static readonly Option<string?> Embedder = new("--embedder")
    {
        Description = "Embedder variant from the manifest (e.g. int8, fp32); default: the manifest's default",
    };

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "ONNX Runtime threads per model",
        DefaultValueFactory = _ => 1,
    };

    public static ModelManifest LoadManifest(ParseResult result) => ModelManifest.Load(result.GetValue(Models)!.FullName);
}
