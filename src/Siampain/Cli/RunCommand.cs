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
    };

    public static Command Create()
    {
        var command = new Command("run", "Run the attendance terminal: camera, recognition, attendance, door signal, MQTT (systemd Type=notify)")
        {
            Config, Set,
        };
        // A synchronous action on purpose: System.CommandLine would give an asynchronous one only 2 s after SIGTERM
        // before exiting with 143, cutting the host's own graceful stop (which waits for the frame in hand, says
        // goodbye to the broker and closes the database) short. The host handles SIGTERM and Ctrl+C itself.
        command.SetAction(result =>
        {
            NativeHeap.LimitArenas(2);
            return TerminalHost.RunAsync(Settings(result, requireFile: true), Console.Error).GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>
    /// The host settings of a command. The service always needs its file; tools run on a development machine fall
    /// back to the built-in defaults when the default file is not installed and no --config was given.
    /// </summary>
    public static TerminalHostSettings Settings(ParseResult result, bool requireFile, params string[] extraOverrides)
    {
        var path = result.GetValue(Config)!.FullName;
        var explicitFile = result.GetResult(Config) is { Implicit: false };
        return new TerminalHostSettings
        {
            ConfigPath = requireFile || explicitFile || File.Exists(path) ? path : null,
            Overrides = [.. result.GetValue(Set) ?? [], .. extraOverrides],
        };
    }
}
