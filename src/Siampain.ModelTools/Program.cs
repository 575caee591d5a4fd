using System.CommandLine;

var root = new RootCommand("Siampain model tools (offline): fetch, import, quantize, build");
root.Subcommands.Add(Siampain.ModelTools.Reference.ReferenceCropsCommand.Create());
return await root.Parse(args).InvokeAsync();
