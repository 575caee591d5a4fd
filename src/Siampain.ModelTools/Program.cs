using System.CommandLine;

var root = new RootCommand("Siampain model tools (offline): fetch, import, quantize, build");
return await root.Parse(args).InvokeAsync();
