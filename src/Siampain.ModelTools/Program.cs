using System.CommandLine;
using Siampain.ModelTools.Commands;

var root = new RootCommand("Siampain model tools (offline): fetch, import, quantize, build")
{
    BuildCommand.Create(),
    ImportCommand.Create(),
    QuantizeCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
