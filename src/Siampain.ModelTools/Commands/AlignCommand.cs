using System.CommandLine;
using Siampain.Models;
using Siampain.ModelTools.Build;
using Siampain.ModelTools.Training;

namespace Siampain.ModelTools.Commands;

/// <summary>`align`: an identity-per-folder photo set -> aligned face crops for the training tool.</summary>
internal static class AlignCommand
{
    public static Command Create()
    {
        var source = new Option<DirectoryInfo>("--data") { Description = "photo set: one folder per person, photos anywhere below it", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "folder for the crops, one folder per person (PNG)", Required = true };
        var models = new Option<DirectoryInfo>("--models") { Description = "models folder whose detector finds the faces and whose embedder gives crop size and template", Required = true };
        var embedder = new Option<string>("--embedder") { Description = "manifest key of the embedder whose alignment to use", DefaultValueFactory = _ => ManifestWriter.Fp32 };
        var maskedOutput = new Option<DirectoryInfo?>("--masked-out") { Description = "also write masked views of every photo here: painted with the project's masks, detected and aligned again" };
        var maskedPerPhoto = new Option<int>("--masked-views") { Description = "masked views per photo (with --masked-out)", DefaultValueFactory = _ => 2 };
        maskedPerPhoto.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 16)
            {
                r.AddError("--masked-views must be between 1 and 16");
            }
        });
        var command = new Command("align", "Detect and align every face photo of an identity-per-folder set, as the terminal does, for training")
        {
            source, output, models, embedder, maskedOutput, maskedPerPhoto,
        };
        command.SetAction(result => ToolAction.Run(result, console =>
        {
            var manifest = ModelManifest.Load(result.GetRequiredValue(models).FullName);
            var target = result.GetRequiredValue(output).FullName;
            var masked = result.GetValue(maskedOutput) is { } folder ? new MaskedViews(folder.FullName, result.GetValue(maskedPerPhoto)) : null;
            var summary = AlignedFaceSet.Write(result.GetRequiredValue(source).FullName, target, manifest, result.GetRequiredValue(embedder), console, masked);
            console.WriteLine($"wrote {summary.Crops} crops of {summary.People} people to {target}; " +
                              $"{summary.WithoutFace} photos without a face, {summary.Unreadable} unreadable");
            if (masked is not null)
            {
                console.WriteLine($"wrote {summary.MaskedViews} masked views to {masked.Folder}; " +
                                  $"{summary.MaskedMissed} aligned at the unmasked face because the detector lost it under the mask");
            }
        }));
        return command;
    }
}
