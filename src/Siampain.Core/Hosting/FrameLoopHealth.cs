namespace Siampain.Hosting;

/// <summary>
/// Whether the frame loop is doing its job: a frame processed recently and no run of failures. The watchdog pings
/// systemd only while this holds, so a hung loop, a dead camera or a loop that fails on every frame gets the
/// service restarted. Written by the frame loop, read by the watchdog; thread-safe.
/// </summary>
public sealed class FrameLoopHealth
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _maxFailures;
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _createdAt;
    private DateTimeOffset? _lastFrameAt;
    private int _consecutiveFailures;
    private string? _lastError;

    public FrameLoopHealth(TerminalOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _timeout = options.HealthTimeout;
        _maxFailures = options.MaxConsecutiveFailures;
        _createdAt = time.GetUtcNow();
    }

    public DateTimeOffset? LastFrameAt
    {
        get
        {
            lock (_gate)
            {
                return _lastFrameAt;
            }
        }
    }

    public int ConsecutiveFailures
    {
        get
        {
            lock (_gate)
            {
                return _consecutiveFailures;
            }
        }
    }

    /// <summary>A frame went through the pipeline (its decisions handled or not): the loop is alive.</summary>
    public void FrameProcessed()
    {
        lock (_gate)
        {
            _lastFrameAt = _time.GetUtcNow();
            _consecutiveFailures = 0;
        }
    }

    /// <summary>Processing a frame threw; returns the failures in a row.</summary>
    public int FrameFailed(string error)
    {
        lock (_gate)
        {
            _lastError = error;
            return ++_consecutiveFailures;
        }
    }

    /// <summary>True while healthy; otherwise <paramref name="reason"/> says why (for the log and systemd's STATUS).</summary>
    public bool IsHealthy(out string reason)
    {
        lock (_gate)
        {
            if (_consecutiveFailures >= _maxFailures)
            {
                reason = $"the last {_consecutiveFailures} frames failed: {_lastError}";
                return false;
            }

            // Until the first frame the camera gets the same grace from the start as between frames.
            var now = _time.GetUtcNow();
            var last = _lastFrameAt ?? _createdAt;
            if (now - last > _timeout)
            {
                reason = _lastFrameAt is null
                    ? $"no frame processed in the {_timeout.TotalSeconds:0} s since start"
                    : $"no frame processed for {(now - last).TotalSeconds:0} s (limit {_timeout.TotalSeconds:0} s)";
                return false;
            }

            reason = "healthy";
            return true;
        }
    }
}
