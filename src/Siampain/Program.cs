using System.CommandLine;

var root = new RootCommand("Siampain: face-recognition attendance terminal");
return await root.Parse(args).InvokeAsync();
