using Siampain.ModelTools.Commands;

return await ModelToolsCli.Create().Parse(args).InvokeAsync();
