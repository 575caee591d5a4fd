using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>Where the configuration came from and which of its sections nothing reads.</summary>
public sealed record ConfigurationReport(string Path, IReadOnlyList<string> UnusedSections);

/// <summary>
/// Everything that can make a terminal unable to work, checked before any service starts and before systemd is
/// told the service is ready: the options, the camera program, the models, the database and the gallery in it,
/// the door hardware. A failure throws the component's own exception, whose message names the key or file.
/// </summary>
public static class TerminalStartup
{
    public static void Prepare(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TerminalStartup));
        var report = services.GetRequiredService<ConfigurationReport>();
        Log.ConfigurationRead(logger, report.Path);
        foreach (var section in report.UnusedSections)
        {
            Log.UnknownSection(logger, section);
        }

        services.GetService<IStartupValidator>()?.Validate();
        if (CameraCheck.Problem(services.GetRequiredService<IOptions<FrameSourceOptions>>().Value) is { } problem)
        {
            throw new FrameSourceException(problem);
        }

        var engine = services.GetRequiredService<RecognitionEngine>();
        Log.ModelsLoaded(logger, engine.Manifest.Folder, engine.ModelId);
        engine.LoadGallery(services.GetRequiredService<PeopleStore>(), logger);
        _ = services.GetRequiredService<IDoorSignal>();
        _ = services.GetRequiredService<IFrameSource>();
    }
}
