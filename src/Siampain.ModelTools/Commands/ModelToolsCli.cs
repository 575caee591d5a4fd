using System.CommandLine;
using Siampain.ModelTools.Reference;

namespace Siampain.ModelTools.Commands;

/// <summary>The `siampain-models` command line.</summary>
internal static class ModelToolsCli
{
    public static RootCommand Create() => new("Siampain model tools (offline): import, quantize, build every model, make reference crops, align training photos")
    {
        AlignCommand.Create(),
        BuildCommand.Create(),
        ImportCommand.Create(),
        QuantizeCommand.Create(),
        ReferenceCropsCommand.Create(),
    };
}
