using System.CommandLine;
using Siampain.Cli;

var root = new RootCommand("Siampain: face-recognition attendance terminal")
{
    DemoCommand.Create(),
    EvalCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
