namespace Siampain.Camera;

public enum FrameSourceState
{
    NotStarted,

    /// <summary>Opening the camera; no frame yet from this session.</summary>
    Starting,

    /// <summary>Frames are arriving.</summary>
    Running,

    /// <summary>The camera failed or ended and is waiting to be restarted.</summary>
    BackingOff,

    /// <summary>Stopped for good: disposed, or ended with <see cref="EndOfStream.Stop"/>.</summary>
    Stopped,
}

/// <summary>A snapshot for the watchdog and `doctor`: a healthy camera is Running with a recent <see cref="LastFrameAt"/>.</summary>
public sealed record FrameSourceHealth(
    FrameSourceState State,
    DateTimeOffset? LastFrameAt,
    int Restarts,
    int ConsecutiveFailures,
    long FramesDelivered,
    long FramesDropped,
    string? LastError);
