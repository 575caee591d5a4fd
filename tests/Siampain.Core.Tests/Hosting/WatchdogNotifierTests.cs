using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Siampain.Hosting;

namespace Siampain.Tests.Hosting;

/// <summary>The watchdog against a real unix datagram socket playing systemd's notify socket; health on a fake clock.</summary>
public sealed class WatchdogNotifierTests : IDisposable
{
    private static readonly TimeSpan WatchdogTimeout = TimeSpan.FromSeconds(20);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-notify-").FullName;
    private readonly FrameLoopHealth _health;

    public WatchdogNotifierTests() =>
        _health = new FrameLoopHealth(new TerminalOptions { HealthTimeout = TimeSpan.FromSeconds(10), MaxConsecutiveFailures = 3 }, _time);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Pings_while_frames_flow_withholds_when_they_stop_and_resumes_when_they_return()
    {
        var path = Path.Combine(_folder, "notify");
        using var systemd = Listen(path);
        using var notifier = Notifier(path);

        _health.FrameProcessed();
        Assert.True(notifier.Tick());
        Assert.Equal("WATCHDOG=1", Receive(systemd));

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(notifier.Tick());
        Assert.Equal("STATUS=frame loop unhealthy: no frame processed for 11 s (limit 10 s)", Receive(systemd));

        // Still stalled: nothing at all, so systemd's timer runs out.
        Assert.False(notifier.Tick());
        Assert.Equal(0, systemd.Available);

        _health.FrameProcessed();
        Assert.True(notifier.Tick());
        Assert.Equal("WATCHDOG=1\nSTATUS=running", Receive(systemd));
        Assert.Equal(2, notifier.Pings);
    }

    [Fact]
    public void A_run_of_failed_frames_stops_the_pings_though_the_loop_is_busy()
    {
        var path = Path.Combine(_folder, "notify");
        using var systemd = Listen(path);
        using var notifier = Notifier(path);
        _health.FrameProcessed();

        _health.FrameFailed("InvalidOperationException: boom");
        _health.FrameFailed("InvalidOperationException: boom");
        Assert.True(notifier.Tick());
        Assert.Equal("WATCHDOG=1", Receive(systemd));

        _health.FrameFailed("InvalidOperationException: boom");
        Assert.False(notifier.Tick());
        Assert.Equal("STATUS=frame loop unhealthy: the last 3 frames failed: InvalidOperationException: boom", Receive(systemd));
    }

    [Fact]
    public void An_abstract_socket_named_with_an_at_sign_is_reached()
    {
        var name = $"siampain-test-{Guid.NewGuid():N}";
        using var systemd = Listen("\0" + name);
        using var notifier = Notifier("@" + name);
        _health.FrameProcessed();

        Assert.True(notifier.Tick());
        Assert.Equal("WATCHDOG=1", Receive(systemd));
    }

    [Fact]
    public async Task The_service_pings_at_half_the_watchdog_timeout()
    {
        var path = Path.Combine(_folder, "notify");
        using var systemd = Listen(path);
        using var notifier = Notifier(path);
        _health.FrameProcessed();

        await notifier.StartAsync(CancellationToken.None);
        Assert.Equal("WATCHDOG=1", Receive(systemd));

        // Frames keep coming; each half-timeout the timer fires once and pings once.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(WatchdogTimeout / 2);
            _health.FrameProcessed();
            Assert.Equal("WATCHDOG=1", Receive(systemd));
        }

        await notifier.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Without_systemd_there_is_nothing_to_ping()
    {
        using var notifier = new WatchdogNotifier(WatchdogSettings.None, _health, _time, NullLogger<WatchdogNotifier>.Instance);
        _health.FrameProcessed();
        Assert.False(notifier.Tick());
    }

    [Theory]
    [InlineData("/run/systemd/notify", "30000000", null, 30.0)]
    [InlineData("@/org/freedesktop/systemd1/notify", "5000000", "4242", 5.0)]
    [InlineData("/run/systemd/notify", "30000000", "1", null)]
    [InlineData("/run/systemd/notify", null, null, null)]
    [InlineData("/run/systemd/notify", "soon", null, null)]
    [InlineData(null, "30000000", null, null)]
    public void Settings_come_from_the_environment_systemd_sets(string? socket, string? usec, string? pid, double? timeoutSeconds)
    {
        var environment = new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socket, ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };
        var settings = WatchdogSettings.FromEnvironment(name => environment.GetValueOrDefault(name), processId: 4242);

        Assert.Equal(timeoutSeconds, settings.Timeout?.TotalSeconds);
        Assert.Equal(timeoutSeconds / 2, settings.PingInterval?.TotalSeconds);
    }

    private WatchdogNotifier Notifier(string socket) =>
        new(new WatchdogSettings(socket, WatchdogTimeout), _health, _time, NullLogger<WatchdogNotifier>.Instance);

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        // A bound on a broken test, not a timing assertion.
        socket.ReceiveTimeout = 60_000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        var length = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
