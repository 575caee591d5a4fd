using System.CommandLine;
using Siampain.ModelTools.Build;
using Siampain.Packages;

namespace Siampain.ModelTools.Commands;

/// <summary>`build`: every model of the project from the pinned packages, plus manifest and quantization report.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "models folder to (re)write", Required = true };
        var command = new Command("build", "Rebuild every model (detector, fp32 and int8 embedder), the manifest and the quantization report") { output };
        command.SetAction(result => ToolAction.Run(result, console =>
        {
            var folder = result.GetRequiredValue(output).FullName;
            var manifest = new ModelBuild(PackageCache.Default(), console).Run(folder);
            foreach (var file in new[] { (Siampain.Models.ModelFile)manifest.Detector }.Concat(manifest.Embedders.Values))
            {
                console.WriteLine($"{file.File}  {file.Sha256}");
            }
        }));
        return command;
    }
}
