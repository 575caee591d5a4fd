using Microsoft.Extensions.Logging;
using Siampain.Gpio;
using Siampain.Pipeline;

namespace Siampain.Hosting;

/// <summary>The running terminal's log messages; event ids 5000-5099.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Configuration read from {Path}")]
    public static partial void ConfigurationRead(ILogger logger, string path);

    [LoggerMessage(5001, LogLevel.Warning, "Configuration section '{Section}' is not used by this version; ignored")]
    public static partial void UnknownSection(ILogger logger, string section);

    [LoggerMessage(5002, LogLevel.Information, "Models loaded from {Folder}: embedder {ModelId}")]
    public static partial void ModelsLoaded(ILogger logger, string folder, string modelId);

    [LoggerMessage(5010, LogLevel.Information, "Gallery loaded: {People} people, {Templates} templates of {ModelId}")]
    public static partial void GalleryLoaded(ILogger logger, int people, int templates, string modelId);

    [LoggerMessage(5011, LogLevel.Warning, "Nobody is enrolled for {ModelId}: every face will be unknown. Enrol people with `siampain enroll` or import a gallery")]
    public static partial void GalleryEmpty(ILogger logger, string modelId);

    [LoggerMessage(5012, LogLevel.Warning,
        "{Count} face templates were made by model {Other}, not by {ModelId}, and are not used; enrol again or import a gallery exported for {ModelId}")]
    public static partial void TemplatesOfOtherModel(ILogger logger, int count, string other, string modelId);

    [LoggerMessage(5020, LogLevel.Information, "Frame loop started: embedder {ModelId}, {People} people enrolled")]
    public static partial void LoopStarting(ILogger logger, string modelId, int people);

    [LoggerMessage(5021, LogLevel.Information,
        "Decision on track {Track}: {Kind} {Person} (confidence {Confidence:0.000}), {Records} record(s), {LatencyMs:0} ms after the face appeared")]
    public static partial void Decided(ILogger logger, long track, DecisionKind kind, string person, float confidence, int records, double latencyMs);

    [LoggerMessage(5022, LogLevel.Information, "Track {Track} stayed uncertain after {Votes} good frames; asking the person to look again")]
    public static partial void Uncertain(ILogger logger, long track, int votes);

    [LoggerMessage(5023, LogLevel.Error, "Frame {Sequence} failed ({Failures} in a row); carrying on with the next frame")]
    public static partial void FrameFailed(ILogger logger, Exception exception, long sequence, int failures);

    [LoggerMessage(5024, LogLevel.Error, "The decision on track {Track} could not be stored; the door shows an error")]
    public static partial void RecordFailed(ILogger logger, Exception exception, long track);

    [LoggerMessage(5025, LogLevel.Error, "Door signal {Kind} failed; the record is stored")]
    public static partial void SignalFailed(ILogger logger, Exception exception, DoorSignalKind kind);

    [LoggerMessage(5026, LogLevel.Information, "The camera stream ended ({Reason}); stopping the service")]
    public static partial void SourceEnded(ILogger logger, string reason);

    [LoggerMessage(5030, LogLevel.Information, "systemd watchdog enabled: timeout {Timeout}, pinging every {Interval} while the frame loop is healthy")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan timeout, TimeSpan interval);

    [LoggerMessage(5031, LogLevel.Warning, "Withholding the watchdog ping: {Reason}. systemd restarts the service if this lasts")]
    public static partial void WatchdogWithheld(ILogger logger, string reason);

    [LoggerMessage(5032, LogLevel.Information, "Frame loop healthy again; watchdog pings resumed")]
    public static partial void WatchdogResumed(ILogger logger);

    [LoggerMessage(5033, LogLevel.Error, "Cannot notify systemd on {Socket}")]
    public static partial void NotifyFailed(ILogger logger, Exception exception, string socket);
}
