using System.CommandLine;

namespace Siampain.ModelTools.Commands;

/// <summary>The `siampain-models` command line.</summary>
internal static class ModelToolsCli
{
    public static RootCommand Create() => new("Siampain model tools (offline): fetch, import, quantize, build")
    {
        BuildCommand.Create(),
        ImportCommand.Create(),
        QuantizeCommand.Create(),
    };
}
