using Microsoft.Extensions.Logging;

namespace Siampain.Gpio;

/// <summary>The two outputs of a door indicator, in logical terms (on/off); the implementation maps them to pin levels.</summary>
internal interface IDoorOutputs
{
    void SetLed(bool on);

    void SetBuzzer(bool on);
}

/// <summary>
/// Plays door patterns on <see cref="IDoorOutputs"/>. Steps are advanced by timer callbacks rather than an async
/// loop so that a fake clock drives them deterministically and a new signal can pre-empt the running one just by
/// replacing the timer. Only changed outputs are written, so the pins see exactly one write per edge.
/// </summary>
internal sealed class DoorSignalPlayer : IDisposable
{
    private readonly IDoorOutputs _outputs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private DoorSignalKind _kind;
    private int _step = -1;
    private long _generation;
    private bool _led;
    private bool _buzzer;
    private bool _disposed;

    public DoorSignalPlayer(IDoorOutputs outputs, TimeProvider time, ILogger logger)
    {
        _outputs = outputs;
        _time = time;
        _logger = logger;
    }

    public void Play(DoorSignalKind kind)
    {
        var steps = DoorSignalPatterns.For(kind);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_step >= 0)
            {
                Log.Preempted(_logger, kind, _kind);
            }
            else
            {
                Log.Signalled(_logger, kind);
            }

            _timer?.Dispose();
            _generation++;
            _kind = kind;
            _step = 0;
            Apply(steps[0].Led, steps[0].Buzzer);
            Schedule(steps[0].Duration);
        }
    }

    /// <summary>Stops the running pattern, if any, and switches both outputs off.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            StopLocked();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            StopLocked();
            _disposed = true;
        }
    }

    private void StopLocked()
    {
        _timer?.Dispose();
        _timer = null;
        _generation++;
        _step = -1;
        Apply(false, false);
    }

    private void Schedule(TimeSpan delay) =>
        _timer = _time.CreateTimer(static state => ((TimerState)state!).Player.OnTimer(((TimerState)state).Generation), new TimerState(this, _generation), delay, Timeout.InfiniteTimeSpan);

    private void OnTimer(long generation)
    {
        lock (_gate)
        {
            // A pre-empted pattern's timer may already be running when it is replaced.
            if (generation != _generation || _disposed)
            {
                return;
            }

            // Exceptions must not escape a timer callback (they would end the process).
            try
            {
                var steps = DoorSignalPatterns.For(_kind);
                _step++;
                if (_step < steps.Length)
                {
                    Apply(steps[_step].Led, steps[_step].Buzzer);
                    Schedule(steps[_step].Duration);
                }
                else
                {
                    _step = -1;
                    _timer?.Dispose();
                    _timer = null;
                    Apply(false, false);
                }
            }
            catch (Exception e)
            {
                _step = -1;
                Log.WriteFailed(_logger, e, _kind);
                SwitchOffAfterFailure();
            }
        }
    }

    /// <summary>Best effort: a lit LED or a sounding buzzer left behind by a failed write would mislead the next person.</summary>
    private void SwitchOffAfterFailure()
    {
        try
        {
            Apply(false, false);
        }
        catch (Exception)
        {
            // Already logged once; the next signal tries the pins again.
        }
    }

    private void Apply(bool led, bool buzzer)
    {
        if (led != _led)
        {
            _outputs.SetLed(led);
            _led = led;
        }

        if (buzzer != _buzzer)
        {
            _outputs.SetBuzzer(buzzer);
            _buzzer = buzzer;
        }
    }

    private sealed record TimerState(DoorSignalPlayer Player, long Generation);
}
