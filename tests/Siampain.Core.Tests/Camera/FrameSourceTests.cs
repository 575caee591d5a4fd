using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Siampain.Camera;
using static Siampain.Tests.Camera.FrameSourceTestKit;

namespace Siampain.Tests.Camera;

/// <summary>The supervisor logic with an in-memory camera and fake time.</summary>
public sealed class FrameSourceTests
{
    [Fact]
    public async Task A_full_queue_drops_the_oldest_frames_and_counts_them()
    {
        var options = new FrameSourceOptions { Kind = FrameSourceKind.Command, Command = "fake", QueueCapacity = 2, EndOfStream = EndOfStream.Stop };
        await using var source = new FrameSource(options, new FakeFrameCaptureFactory(10), TimeProvider.System, NullLogger.Instance);
        source.Start();

        await WaitUntilAsync(() => source.Health.State == FrameSourceState.Stopped, () => $"the end; health {source.Health}");
        var left = new List<Frame>();
        await foreach (var frame in source.Frames.ReadAllAsync())
        {
            left.Add(frame);
        }

        Assert.Equal([9L, 10L], left.Select(f => f.Sequence));
        Assert.Equal(8, source.Health.FramesDropped);
        Assert.Equal(10, source.Health.FramesDelivered);
        left.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Failed_opens_back_off_exponentially_up_to_the_maximum()
    {
        var time = new TimerCountingTimeProvider();
        var factory = new FakeFrameCaptureFactory(0, failToOpen: true);
        var options = new FrameSourceOptions
        {
            Kind = FrameSourceKind.Command,
            Command = "fake",
            RestartDelay = TimeSpan.FromSeconds(1),
            MaxRestartDelay = TimeSpan.FromSeconds(3),
        };
        await using var source = new FrameSource(options, factory, time, NullLogger.Instance);
        source.Start();

        // Expected gaps before each reopen: 1 s, 2 s, then capped at 3 s.
        var opens = 1;
        foreach (var gap in new[] { 1, 2, 3, 3 })
        {
            await WaitUntilAsync(() => factory.Opened == opens && time.TimersCreated == opens, () => $"open {opens}; health {source.Health}");
            Assert.Equal(FrameSourceState.BackingOff, source.Health.State);
            time.Advance(TimeSpan.FromSeconds(gap) - TimeSpan.FromMilliseconds(1));
            await Task.Delay(20);
            Assert.Equal(opens, factory.Opened);
            time.Advance(TimeSpan.FromMilliseconds(1));
            opens++;
        }

        await WaitUntilAsync(() => factory.Opened == opens, () => $"open {opens}");
        Assert.Equal(opens - 1, source.Health.Restarts);
        Assert.Contains("unplugged", source.Health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_stops_the_source_and_completes_the_stream()
    {
        var options = new FrameSourceOptions { Kind = FrameSourceKind.Command, Command = "fake" };
        var source = new FrameSource(options, new FakeFrameCaptureFactory(3), TimeProvider.System, NullLogger.Instance);
        source.Start();
        await source.DisposeAsync();

        Assert.Equal(FrameSourceState.Stopped, source.Health.State);
        Assert.True(source.Frames.Completion.IsCompleted);
    }

    [Fact]
    public void Opencv_is_refused_by_core_with_a_clear_message()
    {
        var e = Assert.Throws<FrameSourceException>(() =>
            FrameSource.Create(new FrameSourceOptions { Kind = FrameSourceKind.Opencv }, TimeProvider.System, NullLoggerFactory.Instance));

        Assert.Contains("Camera:Kind", e.Message, StringComparison.Ordinal);
        Assert.Contains("OpenCV", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Counts timers so a test advances the clock only once the back-off delay is really waiting.</summary>
    private sealed class TimerCountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
