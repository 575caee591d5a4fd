using System.CommandLine;
using Siampain.ModelTools.Commands;
using Siampain.ModelTools.Reference;

var root = new RootCommand("Siampain model tools (offline): import, quantize, build every model, make reference crops")
{
    BuildCommand.Create(),
    ImportCommand.Create(),
    QuantizeCommand.Create(),
    ReferenceCropsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
