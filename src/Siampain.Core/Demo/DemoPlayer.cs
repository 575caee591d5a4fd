using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Attendance;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Hosting;
using Siampain.Pipeline;

namespace Siampain.Demo;

/// <summary>One decision of the pipeline during the clip, with what it caused and who was really there.</summary>
/// <param name="Passage">The walk-up on camera when the decision was made (the ground truth), or null.</param>
/// <param name="Records">The attendance records the sighting wrote (none when it changed nothing).</param>
/// <param name="Signal">What the door showed.</param>
/// <param name="ProcessingTime">Wall time the pipeline spent on the frame that completed the decision.</param>
public sealed record DemoSighting(FaceDecision Decision, DemoPassage? Passage, IReadOnlyList<AttendanceRecord> Records, DoorSignalKind Signal, TimeSpan ProcessingTime)
{
    /// <summary>From the face's first frame to the door signal: capture time to the decision plus the deciding frame's processing.</summary>
    public TimeSpan SignalLatency => Decision.Latency + ProcessingTime;
}

/// <summary>What playing the clip took.</summary>
public sealed record DemoPlayback(IReadOnlyList<DemoSighting> Sightings, long FramesPlayed, long FramesProcessed, TimeSpan Wall, IReadOnlyList<double> FrameMilliseconds);

/// <summary>
/// Plays the clip through the terminal's real stages: frames into the recognition pipeline, its decisions as sightings
/// into the attendance recorder (which stores each record with its outbox event), the outcome on the door signal.
/// Paced, the clip is a camera: a <see cref="FrameSource"/> fed at the clip's frame rate in real time, newest frame
/// wins, slow processing drops frames as on the board. Unpaced, every frame is processed as fast as possible (tests).
/// </summary>
public sealed class DemoPlayer
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(30);

    private readonly DemoClip _clip;
    private readonly SimulatedClock _clock;
    private readonly IRecognitionPipeline _pipeline;
    private readonly AttendanceRecorder _recorder;
    private readonly DecisionHandler _handler;
    private readonly ILogger _logger;
    private readonly List<FaceDecision> _decisions = new(4);
    private readonly List<DemoSighting> _sightings = [];
    private readonly List<double> _frameMilliseconds = [];
    private DateTimeOffset _lastTick;

    public DemoPlayer(DemoClip clip, SimulatedClock clock, IRecognitionPipeline pipeline, AttendanceRecorder recorder, IDoorSignal door,
        IReadOnlyDictionary<string, string> names, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(names);
        _clip = clip;
        _clock = clock;
        _pipeline = pipeline;
        _recorder = recorder;
        _logger = logger ?? NullLogger.Instance;
        _handler = new DecisionHandler(recorder, door, id => names.GetValueOrDefault(id, id), _logger);
    }

    /// <summary>Raised on the playing thread after each decision was recorded and signalled.</summary>
    public event Action<DemoSighting>? Decided;

    /// <summary>Plays the whole clip, then lets the simulated clock reach the session's end so the session closes.</summary>
    public async Task<DemoPlayback> PlayAsync(bool paced, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _clock.AdvanceTo(_clip.Frames[0].At);
        _recorder.Tick();
        _lastTick = _clock.GetUtcNow();
        long processed = 0;
        if (paced)
        {
            var source = new FrameSource(
                new FrameSourceOptions { Width = _clip.Options.Width, Height = _clip.Options.Height, FrameRate = _clip.Options.FrameRate, EndOfStream = EndOfStream.Stop },
                new ClipCaptureFactory(_clip, _clock, paced: true),
                _clock,
                _logger);
            await using (source.ConfigureAwait(false))
            {
                source.Start();
                await foreach (var frame in source.Frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    using (frame)
                    {
                        await ProcessAsync(frame, cancellationToken).ConfigureAwait(false);
                        processed++;
                    }
                }
            }
        }
        else
        {
            var capture = await new ClipCaptureFactory(_clip, _clock, paced: false).OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (capture.ConfigureAwait(false))
            {
                while (await capture.ReadAsync(cancellationToken).ConfigureAwait(false) is { } frame)
                {
                    using (frame)
                    {
                        frame.CapturedAt = _clock.GetUtcNow();
                        await ProcessAsync(frame, cancellationToken).ConfigureAwait(false);
                        processed++;
                    }
                }
            }
        }

        _clock.AdvanceTo(_clip.Scenario.SessionEnd + TimeSpan.FromSeconds(1));
        _recorder.Tick();
        return new DemoPlayback(_sightings, _clip.Frames.Count, processed, Stopwatch.GetElapsedTime(started), _frameMilliseconds);
    }

    private async Task ProcessAsync(Frame frame, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _decisions.Clear();
        _pipeline.Process(frame, _decisions);
        var spent = Stopwatch.GetElapsedTime(started);
        _frameMilliseconds.Add(spent.TotalMilliseconds);
        if (frame.CapturedAt - _lastTick >= TickEvery)
        {
            // Sessions open and close by the clock even while nobody is at the door.
            _recorder.Tick();
            _lastTick = frame.CapturedAt;
        }

        foreach (var decision in _decisions)
        {
            var sighting = await RecordAsync(decision, spent, cancellationToken).ConfigureAwait(false);
            _sightings.Add(sighting);
            Decided?.Invoke(sighting);
        }
    }

    private async Task<DemoSighting> RecordAsync(FaceDecision decision, TimeSpan spent, CancellationToken cancellationToken)
    {
        // The service's own handling: the same records, the same signals, and nothing recorded for an uncertain face.
        var outcome = await _handler.HandleAsync(decision, cancellationToken).ConfigureAwait(false);
        return new DemoSighting(decision, _clip.PassageAt(decision.DecidedAt), outcome.Records, outcome.Signal, spent);
    }

    /// <summary>The clip as a camera: renders each frame when it is due and sets the simulated clock to its capture time.</summary>
    private sealed class ClipCaptureFactory(DemoClip clip, SimulatedClock clock, bool paced) : IFrameCaptureFactory
    {
        public string Description => $"demo clip ({clip.Frames.Count} frames at {clip.Options.FrameRate} fps{(paced ? string.Empty : ", unpaced")})";

        public ValueTask<IFrameCapture> OpenAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IFrameCapture>(new ClipCapture(clip, clock, paced));
    }

    private sealed class ClipCapture(DemoClip clip, SimulatedClock clock, bool paced) : IFrameCapture
    {
        private readonly DemoRenderer _renderer = new(clip.Options);
        private readonly PeriodicTimer? _timer = paced ? new PeriodicTimer(clip.FrameInterval) : null;
        private int _next;

        public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
        {
            if (_next == clip.Frames.Count)
            {
                return null;
            }

            if (_timer is not null && _next > 0)
            {
                await _timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }

            var description = clip.Frames[_next++];
            var frame = Frame.Rent(clip.Options.Width, clip.Options.Height);
            _renderer.RenderInto(description, frame.Image);
            clock.AdvanceTo(description.At);
            return frame;
        }

        public ValueTask DisposeAsync()
        {
            _timer?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
