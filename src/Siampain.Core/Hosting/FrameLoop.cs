using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siampain.Attendance;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Pipeline;

namespace Siampain.Hosting;

/// <summary>
/// The terminal's main loop: the newest camera frame -> recognition pipeline -> one attendance record per
/// decision, stored durably -> the door signal -> the status board. A frame that fails is logged and skipped;
/// failures in a row make the loop unhealthy, which stops the watchdog pings.
/// </summary>
public sealed class FrameLoop : BackgroundService
{
    private readonly IFrameSource _source;
    private readonly IRecognitionPipeline _pipeline;
    private readonly RecognitionEngine _engine;
    private readonly AttendanceRecorder _recorder;
    private readonly AttendanceStore _attendance;
    private readonly DecisionHandler _handler;
    private readonly StatusBoard _board;
    private readonly FrameLoopHealth _health;
    private readonly TerminalOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<FaceDecision> _decisions = new(4);
    private long _lastStatusAt;

    public FrameLoop(IFrameSource source, IRecognitionPipeline pipeline, RecognitionEngine engine, AttendanceRecorder recorder, AttendanceStore attendance, IDoorSignal door,
        StatusBoard board, FrameLoopHealth health, IOptions<TerminalOptions> options, IHostApplicationLifetime lifetime, TimeProvider time,
        ILogger<FrameLoop> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _pipeline = pipeline;
        _engine = engine;
        _recorder = recorder;
        _attendance = attendance;
        _handler = new DecisionHandler(recorder, door, engine.NameOf, logger);
        _board = board;
        _health = health;
        _options = options.Value;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _board.Update(f => f with { Model = _engine.ModelName, PeoplePresent = CountPresent() });
        _source.Start();
        Log.LoopStarting(_logger, _engine.ModelId, _engine.Gallery.PersonCount);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // Stopping the camera last: the loop has already finished its frame, so no decision is cut in half.
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var frames = _source.Frames;
        try
        {
            while (await frames.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (frames.TryRead(out var frame))
                {
                    using (frame)
                    {
                        await ProcessAsync(frame, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        // The source completed on its own: a clip or folder played once (Camera:EndOfStream = Stop).
        Log.SourceEnded(_logger, _source.Health.LastError ?? "end of stream");
        _lifetime.StopApplication();
    }

    private async Task ProcessAsync(Frame frame, CancellationToken stoppingToken)
    {
        _decisions.Clear();
        try
        {
            _pipeline.Process(frame, _decisions);
            foreach (var decision in _decisions)
            {
                await HandleAsync(decision, stoppingToken).ConfigureAwait(false);
            }

            _health.FrameProcessed();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One bad frame must not stop the door; a run of them makes the loop unhealthy and systemd restarts it.
            var failures = _health.FrameFailed($"{e.GetType().Name}: {e.Message}");
            Log.FrameFailed(_logger, e, frame.Sequence, failures);
            return;
        }

        var now = _time.GetTimestamp();
        if (_lastStatusAt == 0 || _time.GetElapsedTime(_lastStatusAt, now) >= _options.StatusInterval)
        {
            _lastStatusAt = now;
            var fps = Math.Round(_pipeline.Stats.FramesPerSecond, 1);
            if (_board.Current.Fps != fps)
            {
                _board.Update(f => f with { Fps = fps });
            }
        }
    }

    private async Task HandleAsync(FaceDecision decision, CancellationToken stoppingToken)
    {
        var outcome = await _handler.HandleAsync(decision, stoppingToken).ConfigureAwait(false);
        if (outcome.Failure is { } failure)
        {
            _board.Update(f => f with { LastError = failure });
        }
        else if (decision.Kind == DecisionKind.Recognised || outcome.Records.Count > 0)
        {
            var present = outcome.Records.Count > 0 ? CountPresent() : _board.Current.PeoplePresent;
            _board.Update(f => f with
            {
                LastPerson = decision.PersonId ?? f.LastPerson,
                PeoplePresent = present,
            });
        }
    }

    /// <summary>People whose latest status in a running session is present, late or returned.</summary>
    private int CountPresent()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var session in _recorder.OpenSessions)
        {
            foreach (var latest in _attendance.RecordsOf(session.Id).Where(r => r.PersonId is not null).GroupBy(r => r.PersonId!).Select(g => g.Last()))
            {
                if (latest.Status is AttendanceStatus.Present or AttendanceStatus.Late or AttendanceStatus.Returned)
                {
                    present.Add(latest.PersonId!);
                }
            }
        }

        return present.Count;
    }
}
