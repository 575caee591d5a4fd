using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Models;
using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>How `siampain run` builds its host.</summary>
public sealed record TerminalHostSettings
{
    /// <summary>The JSON file; null runs on the built-in defaults (tools on a machine without an installed file).</summary>
    public string? ConfigPath { get; init; } = TerminalConfiguration.DefaultPath;

    /// <summary>"Section:Key=value" overrides from the command line; they win over the file and the environment.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Read SIAMPAIN__Section__Key variables (tests turn it off so the machine's environment cannot leak in).</summary>
    public bool ReadEnvironment { get; init; } = true;

    /// <summary>Replaces the console logger (tests collect log lines instead).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Last changes to the services before the host is built (tests swap hardware for fakes).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>Process exit codes of `siampain run`.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A failure that may pass (a full disk, a crash); systemd may restart the service.</summary>
    public const int Failure = 1;

    /// <summary>
    /// EX_CONFIG: the configuration, a model, the camera program or the door hardware is wrong; restarting cannot
    /// help (RestartPreventExitStatus=78 in the unit).
    /// </summary>
    public const int Configuration = 78;
}

/// <summary>The Generic Host of the terminal: configuration, logging suitable for the journal, systemd, services.</summary>
public static class TerminalHost
{
    /// <exception cref="TerminalConfigurationException">The file cannot be read or a key cannot be bound.</exception>
    public static HostApplicationBuilder CreateBuilder(TerminalHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var configuration = TerminalConfiguration.Load(settings.ConfigPath, settings.Overrides, settings.ReadEnvironment);
        var unused = OptionsCatalog.Check(configuration);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "siampain" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (settings.ConfigureLogging is { } configureLogging)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            builder.Logging.AddConsole();
        }

        // Under systemd: journal-friendly log lines (priority prefixes, no colours), READY=1 once every service has
        // started and STOPPING=1 on shutdown. Elsewhere it changes nothing.
        builder.Services.AddSystemd();
        builder.Services.AddSiampainTerminal(builder.Configuration, new ConfigurationReport(settings.ConfigPath is null ? "(no file: built-in defaults)" : Path.GetFullPath(settings.ConfigPath), unused));
        settings.ConfigureServices?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>
    /// Builds the host, checks everything a working terminal needs (<see cref="TerminalStartup.Prepare"/>) and starts
    /// it. The caller disposes the host.
    /// </summary>
    /// <exception cref="Exception">A failure <see cref="Describe"/> explains (configuration, models, camera, door, storage), or a bug.</exception>
    public static async Task<IHost> StartAsync(TerminalHostSettings settings, CancellationToken cancellationToken = default)
    {
        var host = CreateBuilder(settings).Build();
        try
        {
            TerminalStartup.Prepare(host.Services);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await StopQuietlyAsync(host).ConfigureAwait(false);
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the terminal and runs it until it is stopped (SIGTERM, Ctrl+C, the camera stream ending, or
    /// <paramref name="stop"/>). A terminal that cannot start writes one clear message to <paramref name="error"/>
    /// and returns a non-zero exit code.
    /// </summary>
    public static async Task<int> RunAsync(TerminalHostSettings settings, TextWriter error, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        IHost host;
        try
        {
            host = await StartAsync(settings, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (Describe(e) is { } failure)
        {
            await error.WriteLineAsync($"siampain: {failure.Message}").ConfigureAwait(false);
            await error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return failure.ExitCode;
        }

        using (host)
        {
            await host.WaitForShutdownAsync(stop).ConfigureAwait(false);
            if (host.Services.GetRequiredService<FrameLoop>().ExecuteTask is { IsFaulted: true } faulted)
            {
                await error.WriteLineAsync($"siampain: the frame loop stopped: {faulted.Exception?.InnerException?.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            return ExitCodes.Ok;
        }
    }

    /// <summary>A start-up failure as one message and an exit code; null for an exception that is a bug.</summary>
    public static (string Message, int ExitCode)? Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        var failures = inner.Select(Classify).ToList();
        if (failures.Any(f => f is null))
        {
            return null;
        }

        var text = string.Join("\n", failures.GroupBy(f => f!.Value.Category).Select(group =>
        {
            var lines = group.SelectMany(f => f!.Value.Lines).Distinct(StringComparer.Ordinal).ToList();
            return lines.Count == 1 ? $"{group.Key}: {lines[0]}" : $"{group.Key}:\n" + string.Join("\n", lines.Select(l => "  " + l));
        }));
        var code = failures.Any(f => f!.Value.ExitCode == ExitCodes.Failure) ? ExitCodes.Failure : ExitCodes.Configuration;
        return (text, code);
    }

    private static (string Category, IReadOnlyList<string> Lines, int ExitCode)? Classify(Exception exception) => exception switch
    {
        TerminalConfigurationException => ("configuration error", [exception.Message], ExitCodes.Configuration),
        OptionsValidationException validation => ("configuration error", OptionsCatalog.Describe(validation), ExitCodes.Configuration),
        InvalidOperationException when exception.Message.Contains("configuration value at", StringComparison.Ordinal) =>
            ("configuration error", [exception.Message], ExitCodes.Configuration),
        ModelException => ("model error", [$"{exception.Message} (check Recognition:ModelsFolder and Recognition:Embedder)"], ExitCodes.Configuration),
        FrameSourceException => ("camera error", [exception.Message], ExitCodes.Configuration),
        DoorSignalException => ("door signal error", [exception.Message], ExitCodes.Configuration),
        StorageException => ("storage error", [$"{exception.Message} (check Storage:Path)"], ExitCodes.Failure),
        _ => null,
    };

    private static async Task StopQuietlyAsync(IHost host)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The start failed and that failure is what gets reported; stopping whatever did start is best effort
            // (a host that failed before its services were resolved even throws for having none).
        }
    }
}
