namespace Siampain.Demo;

/// <summary>One frame of the clip: when it is captured (simulated time), who is in it and how far they have walked.</summary>
/// <param name="Passage">The person walking up, or null for the empty corridor.</param>
/// <param name="Progress">0 at the first frame of the walk-up, 1 at the last.</param>
public readonly record struct ClipFrame(DateTimeOffset At, DemoPassage? Passage, float Progress);

/// <summary>How the clip is cut.</summary>
public sealed class DemoClipOptions
{
    public const int DefaultFrameRate = 15;

    public int Width { get; set; } = 640;

    public int Height { get; set; } = 480;

    public int FrameRate { get; set; } = DefaultFrameRate;

    /// <summary>Frames of one walk-up (2.4 s at 15 fps: far away, then close to the door).</summary>
    public int FramesPerPassage { get; set; } = 36;

    /// <summary>
    /// Empty frames between two people. Their capture times jump over the minutes between arrivals, so the long
    /// gaps take no wall time, yet more than the pipeline's track timeout of capture time passes with nobody there.
    /// </summary>
    public int EmptyFrames { get; set; } = 8;

    /// <summary>Face width (pixels) when the walk-up starts and when it ends at the door.</summary>
    public float StartFaceWidth { get; set; } = 80;

    public float EndFaceWidth { get; set; } = 175;
}

/// <summary>
/// The walk-up clip as a timeline of frames on the scenario's simulated clock: the empty corridor, then each passage
/// at camera rate with empty frames after it. Frames are described, not stored; <see cref="DemoRenderer"/> paints them.
/// </summary>
public sealed class DemoClip
{
    public DemoClip(DemoScenario scenario, DemoClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        Scenario = scenario;
        Options = options;
        FrameInterval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / options.FrameRate);
        Frames = Build();
    }

    public DemoScenario Scenario { get; }

    public DemoClipOptions Options { get; }

    public TimeSpan FrameInterval { get; }

    public IReadOnlyList<ClipFrame> Frames { get; }

    /// <summary>The passage on camera at <paramref name="time"/>, or null.</summary>
    public DemoPassage? PassageAt(DateTimeOffset time) =>
        Scenario.Passages.LastOrDefault(p => p.At <= time && time < p.At + (FrameInterval * Options.FramesPerPassage));

    private List<ClipFrame> Build()
    {
        var frames = new List<ClipFrame>();
        var previousEnd = Scenario.ClipStart;
        foreach (var passage in Scenario.Passages)
        {
            // One frame right after the previous person, the rest just before the next one: the capture-time gap
            // between them is the real one, the wall time spent on it is a handful of frames.
            frames.Add(new ClipFrame(previousEnd, null, 0));
            for (var i = Options.EmptyFrames - 1; i >= 1; i--)
            {
                frames.Add(new ClipFrame(passage.At - (FrameInterval * i), null, 0));
            }

            for (var i = 0; i < Options.FramesPerPassage; i++)
            {
                frames.Add(new ClipFrame(passage.At + (FrameInterval * i), passage, i / (float)(Options.FramesPerPassage - 1)));
            }

            previousEnd = passage.At + (FrameInterval * Options.FramesPerPassage);
        }

        for (var i = 0; i < Options.EmptyFrames; i++)
        {
            frames.Add(new ClipFrame(previousEnd + (FrameInterval * i * 3), null, 0));
        }

        return frames;
    }
}
