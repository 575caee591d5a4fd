using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Siampain.Camera;

/// <summary>
/// Keeps a camera running: opens a capture session, moves its frames into a small drop-oldest channel, and after a
/// failure (start error, exit, stall, torn frame) logs it, counts it and opens a new session after an exponential
/// back-off. The same loop serves every kind of camera; only the <see cref="IFrameCaptureFactory"/> differs.
/// </summary>
public sealed class FrameSource : IFrameSource
{
    private readonly IFrameCaptureFactory _factory;
    private readonly FrameSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Frame> _frames;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _run;
    private FrameSourceState _state = FrameSourceState.NotStarted;
    private DateTimeOffset? _lastFrameAt;
    private int _restarts;
    private int _consecutiveFailures;
    private long _delivered;
    private long _sequence;
    private long _dropped;
    private string? _lastError;

    public FrameSource(FrameSourceOptions options, IFrameCaptureFactory factory, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _factory = factory;
        _time = time;
        _logger = logger;

        // Recognition wants the newest frame: a full queue drops its oldest frame, whose buffer goes back to the pool.
        _frames = Channel.CreateBounded<Frame>(
            new BoundedChannelOptions(options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleWriter = true,
            },
            OnDropped);
    }

    public ChannelReader<Frame> Frames => _frames.Reader;

    public FrameSourceHealth Health
    {
        get
        {
            lock (_gate)
            {
                return new FrameSourceHealth(_state, _lastFrameAt, _restarts, _consecutiveFailures, _delivered, Interlocked.Read(ref _dropped), _lastError);
            }
        }
    }

    /// <summary>The rpicam, command or images source the options ask for.</summary>
    /// <exception cref="FrameSourceException">Kind is Opencv, which Core cannot provide (it runs on boards without OpenCV).</exception>
    public static FrameSource Create(FrameSourceOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger<FrameSource>();
        IFrameCaptureFactory factory = options.Kind switch
        {
            FrameSourceKind.Rpicam => ProcessFrameCaptureFactory.ForRpicam(options, logger),
            FrameSourceKind.Command => ProcessFrameCaptureFactory.ForCommand(options, logger),
            FrameSourceKind.Images => ImageFolderCaptureFactory.FromOptions(options, time, logger),
            _ => throw new FrameSourceException(
                $"{FrameSourceOptions.SectionName}:{nameof(FrameSourceOptions.Kind)} '{options.Kind}' needs OpenCV, which only the x64 build of the executable has. " +
                "On a board use rpicam or command."),
        };
        return new FrameSource(options, factory, time, logger);
    }

    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_run is not null)
            {
                throw new InvalidOperationException("The frame source is already running.");
            }

            _state = FrameSourceState.Starting;
            _run = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
            run = _run;
        }

        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        _frames.Writer.TryComplete();
        while (_frames.Reader.TryRead(out var frame))
        {
            frame.Dispose();
        }

        SetState(FrameSourceState.Stopped);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            if (!first)
            {
                lock (_gate)
                {
                    _restarts++;
                }
            }

            first = false;
            SetState(FrameSourceState.Starting);
            Log.Starting(_logger, _factory.Description);
            try
            {
                var ended = await CaptureAsync(stop).ConfigureAwait(false);
                if (ended && _options.EndOfStream == EndOfStream.Stop)
                {
                    Log.Ended(_logger, _factory.Description, "stopping as configured");
                    break;
                }

                if (ended)
                {
                    // A camera should never end; count it like a failure so one that keeps exiting backs off.
                    Log.Ended(_logger, _factory.Description, "restarting");
                    RecordFailure($"{_factory.Description} ended.");
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (FrameSourceException e)
            {
                RecordFailure(e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever a camera throws, the terminal keeps trying: an unexpected failure is reported like any other.
                RecordFailure($"{_factory.Description} failed: {e.GetType().Name}: {e.Message}");
            }

            var health = Health;
            var delay = BackOff(health.ConsecutiveFailures);
            SetState(FrameSourceState.BackingOff);
            Log.Failed(_logger, health.LastError ?? "unknown", health.ConsecutiveFailures, health.Restarts, delay);

            try
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _frames.Writer.TryComplete();
        SetState(FrameSourceState.Stopped);
    }

    /// <summary>Reads one session to its end. True = ended normally; a failure throws.</summary>
    private async Task<bool> CaptureAsync(CancellationToken stop)
    {
        var capture = await _factory.OpenAsync(stop).ConfigureAwait(false);
        await using (capture.ConfigureAwait(false))
        {
            using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            using var read = CancellationTokenSource.CreateLinkedTokenSource(stop, stall.Token);
            var first = true;
            while (true)
            {
                stall.CancelAfter(_options.StallTimeout);
                Frame? frame;
                try
                {
                    frame = await capture.ReadAsync(read.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stall.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    throw new FrameSourceException($"{_factory.Description} stalled: no frame for {_options.StallTimeout.TotalSeconds:0.###} s.");
                }

                if (frame is null)
                {
                    return true;
                }

                var now = _time.GetUtcNow();
                frame.Sequence = ++_sequence;
                frame.CapturedAt = now;
                lock (_gate)
                {
                    _lastFrameAt = now;
                    _delivered++;
                    _state = FrameSourceState.Running;

                    // Frames flowing again reset the back-off: the first retry after a long good run is quick.
                    _consecutiveFailures = 0;
                }

                if (first)
                {
                    Log.FirstFrame(_logger, _factory.Description, frame.Image.Width, frame.Image.Height);
                    first = false;
                }

                if (!_frames.Writer.TryWrite(frame))
                {
                    frame.Dispose();
                }
            }
        }
    }

    private void RecordFailure(string reason)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            _lastError = reason;
        }
    }

    private TimeSpan BackOff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 30));
        return TimeSpan.FromTicks((long)Math.Min(_options.RestartDelay.Ticks * factor, _options.MaxRestartDelay.Ticks));
    }

    private void SetState(FrameSourceState state)
    {
        lock (_gate)
        {
            _state = state;
        }
    }

    private void OnDropped(Frame frame)
    {
        Interlocked.Increment(ref _dropped);
        frame.Dispose();
    }
}
