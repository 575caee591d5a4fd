using Microsoft.Extensions.Logging;

namespace Siampain.Gpio;

/// <summary>Door indicator log messages; event ids 1100-1199.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Information, "Door indicator on {Chip}: LED pin {LedPin} (active {LedLevel}), buzzer {Buzzer}")]
    public static partial void DoorOpened(ILogger logger, string chip, int ledPin, ActiveLevel ledLevel, string buzzer);

    [LoggerMessage(1101, LogLevel.Debug, "Door signal {Kind}")]
    public static partial void Signalled(ILogger logger, DoorSignalKind kind);

    [LoggerMessage(1102, LogLevel.Debug, "Door signal {Kind} pre-empted {Previous}")]
    public static partial void Preempted(ILogger logger, DoorSignalKind kind, DoorSignalKind previous);

    [LoggerMessage(1103, LogLevel.Error, "Door signal {Kind} stopped: writing the pins failed")]
    public static partial void WriteFailed(ILogger logger, Exception exception, DoorSignalKind kind);
}
