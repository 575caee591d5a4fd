namespace Siampain.Messaging;

/// <summary>
/// Exponential back-off with jitter between reconnect attempts: the delay doubles from Min up to Max, and each
/// delay is drawn from its upper half so that a classroom of terminals does not reconnect in lockstep after the
/// broker comes back.
/// </summary>
public sealed class Backoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _attempt;

    public Backoff(TimeSpan min, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        _min = min;
        _max = max;
        _random = random;
    }

    public TimeSpan Next()
    {
        // Capping the exponent keeps the multiplication in range however long the outage lasts.
        var ceiling = _min * Math.Pow(2, Math.Min(_attempt, 30));
        if (ceiling > _max)
        {
            ceiling = _max;
        }
        else
        {
            _attempt++;
        }

        var half = ceiling / 2;
        var delay = half + (half * _random.NextDouble());
        return delay < _min ? _min : delay;
    }

    public void Reset() => _attempt = 0;
}
