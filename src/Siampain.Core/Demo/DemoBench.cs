using System.Diagnostics;
using Siampain.Camera;
using Siampain.Imaging;
using Siampain.Pipeline;

namespace Siampain.Demo;

/// <summary>What a run of the same frame through the pipeline cost.</summary>
/// <param name="Milliseconds">Wall time of each frame's processing, sorted.</param>
/// <param name="FacesPerFrame">Faces the detector found per frame.</param>
public sealed record FrameCost(IReadOnlyList<double> Milliseconds, double FacesPerFrame)
{
    /// <summary>Frames per second one recognition thread sustains: frames over the time spent processing them.</summary>
    public double FramesPerSecond => Milliseconds.Count / (Milliseconds.Sum() / 1000);
}

/// <summary>Measures the pipeline's cost per frame on a fixed 15 fps capture clock.</summary>
public static class DemoBench
{
    /// <summary>
    /// Feeds <paramref name="image"/> to pipelines from <paramref name="newPipeline"/> for <paramref name="duration"/>,
    /// a fresh pipeline every <paramref name="pipelineLife"/> frames (so tracks never reach a decision if the options
    /// ask for more votes than that, and every face is embedded in every frame).
    /// </summary>
    public static FrameCost Measure(Func<IRecognitionPipeline> newPipeline, RgbImage image, TimeSpan duration, int pipelineLife)
    {
        ArgumentNullException.ThrowIfNull(newPipeline);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pipelineLife);
        var interval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / DemoClipOptions.DefaultFrameRate);
        var capturedAt = DateTimeOffset.UnixEpoch;
        var times = new List<double>();
        var decisions = new List<FaceDecision>();
        IRecognitionPipeline pipeline = newPipeline();
        long faces = 0, frames = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            if (times.Count % pipelineLife == 0)
            {
                faces += pipeline.Stats.FacesSeen;
                frames += pipeline.Stats.Frames;
                pipeline = newPipeline();
            }

            using var frame = Frame.Wrap(image);
            frame.CapturedAt = capturedAt;
            var started = Stopwatch.GetTimestamp();
            pipeline.Process(frame, decisions);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            capturedAt += interval;
        }

        faces += pipeline.Stats.FacesSeen;
        frames += pipeline.Stats.Frames;
        times.Sort();
        return new FrameCost(times, frames == 0 ? 0 : faces / (double)frames);
    }
}
