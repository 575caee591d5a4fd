using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Fact]
    public void DelaysGrowExponentiallyWithJitterAndStayWithinBounds()
    {
        var backoff = new Backoff(Min, Max, new Random(7));

        var delays = Enumerable.Range(0, 40).Select(_ => backoff.Next()).ToList();

        Assert.All(delays, d => Assert.InRange(d, Min, Max));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // Attempt n draws from the upper half of min * 2^n.
            var ceiling = Min * Math.Pow(2, attempt);
            Assert.InRange(delays[attempt], ceiling / 2 < Min ? Min : ceiling / 2, ceiling);
        }

        Assert.All(delays.Skip(10), d => Assert.InRange(d, Max / 2, Max));
        Assert.True(delays.Skip(10).Distinct().Count() > 1, "jitter should spread the delays");
    }

    [Fact]
    public void ResetStartsOverFromTheMinimum()
    {
        var backoff = new Backoff(Min, Max, new Random(1));
        for (var i = 0; i < 20; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.InRange(backoff.Next(), Min, Min);
    }
}
