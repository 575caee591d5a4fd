using Siampain.Camera;

namespace Siampain.Pipeline;

/// <summary>
/// Detect -> quality gate -> align -> embed -> match -> track -> vote, one frame at a time. Not thread-safe:
/// one frame loop owns it.
/// </summary>
public interface IRecognitionPipeline
{
    /// <summary>Processes one frame and appends the decisions it completed (usually none) to <paramref name="decisions"/>.</summary>
    void Process(Frame frame, List<FaceDecision> decisions);

    /// <summary>Counters for status, the watchdog and benchmarks.</summary>
    PipelineStats Stats { get; }
}

/// <summary>Running totals and the latest per-frame cost.</summary>
public sealed record PipelineStats(
    long Frames,
    long FacesSeen,
    long FacesRejectedByQuality,
    long Decisions,
    int ActiveTracks,
    TimeSpan LastFrameTime,
    double FramesPerSecond,
    DateTimeOffset? LastFrameAt);
