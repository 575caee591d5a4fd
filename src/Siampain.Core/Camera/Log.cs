using Microsoft.Extensions.Logging;

namespace Siampain.Camera;

/// <summary>Camera log messages; event ids 1200-1299.</summary>
internal static partial class Log
{
    [LoggerMessage(1200, LogLevel.Information, "Camera starting: {Source}")]
    public static partial void Starting(ILogger logger, string source);

    [LoggerMessage(1201, LogLevel.Information, "Camera delivering {Width}x{Height} frames: {Source}")]
    public static partial void FirstFrame(ILogger logger, string source, int width, int height);

    [LoggerMessage(1202, LogLevel.Warning, "Camera failed ({Failures} in a row, {Restarts} restarts so far): {Reason} Restarting in {Delay}")]
    public static partial void Failed(ILogger logger, string reason, int failures, int restarts, TimeSpan delay);

    [LoggerMessage(1203, LogLevel.Information, "Camera stream ended: {Source}; {Action}")]
    public static partial void Ended(ILogger logger, string source, string action);

    [LoggerMessage(1204, LogLevel.Warning, "Skipping a photo in the image folder: {Reason}")]
    public static partial void ImageSkipped(ILogger logger, string reason);

    [LoggerMessage(1205, LogLevel.Debug, "Camera process said: {Line}")]
    public static partial void ProcessOutput(ILogger logger, string line);
}
