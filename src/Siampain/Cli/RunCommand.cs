using System.CommandLine;
using Siampain.Hosting;

namespace Siampain.Cli;

/// <summary>`siampain run`: the terminal service (what the systemd unit starts).</summary>
internal static class RunCommand
{
    public static readonly Option<FileInfo> Config = new("--config", "-c")
    {
        Description = $"The configuration file (default {TerminalConfiguration.DefaultPath})",
        DefaultValueFactory = _ => new FileInfo(TerminalConfiguration.DefaultPath),
    };

    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Override one key, e.g. --set Camera:FrameRate=10 (repeatable; wins over the file and SIAMPAIN__Section__Key variables)",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Command Create()
    {
        var command = new Command("run", "Run the attendance terminal: camera, recognition, attendance, door signal, MQTT (systemd Type=notify)")
        {
            Config, Set,
        };
        command.SetAction((result, cancellationToken) => TerminalHost.RunAsync(
            new TerminalHostSettings
            {
                ConfigPath = result.GetValue(Config)!.FullName,
                Overrides = result.GetValue(Set) ?? [],
            },
            Console.Error,
            cancellationToken));
        return command;
    }
}
