namespace Siampain.Demo;

/// <summary>
/// The demo's clock: it says whatever time the clip has reached, so a class of forty minutes plays in a minute.
/// Only the wall time is simulated; timers and delays still run in real time (the camera pacing needs them), and the
/// time zone is UTC so a session's schedule means the same on every machine.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock to <paramref name="time"/>; it never goes back.</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        var target = time.UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _ticks);
            if (target <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _ticks, target, seen) != seen);
    }
}
