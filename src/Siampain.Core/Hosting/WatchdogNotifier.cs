using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Siampain.Hosting;

/// <summary>
/// Pings systemd's watchdog at half of WATCHDOG_USEC, but only while the frame loop is healthy: a hung loop, a
/// dead camera or a loop failing on every frame then gets the service killed and restarted by systemd
/// (WatchdogSec= in the unit). Microsoft.Extensions.Hosting.Systemd sends READY and STOPPING but no pings.
/// Without a watchdog in the environment it does nothing.
/// </summary>
public sealed class WatchdogNotifier : BackgroundService
{
    private readonly WatchdogSettings _settings;
    private readonly FrameLoopHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private SystemdNotifySocket? _socket;
    private bool _withholding;
    private bool _sendFailed;

    public WatchdogNotifier(WatchdogSettings settings, FrameLoopHealth health, TimeProvider time, ILogger<WatchdogNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _health = health;
        _time = time;
        _logger = logger;
    }

    /// <summary>Pings sent so far.</summary>
    public long Pings { get; private set; }

    /// <summary>
    /// One watchdog round: pings if the loop is healthy, otherwise tells systemd why not (STATUS=, shown by
    /// `systemctl status`). Returns whether it pinged.
    /// </summary>
    public bool Tick()
    {
        if (_settings.NotifySocket is null || _settings.Timeout is null)
        {
            return false;
        }

        _socket ??= new SystemdNotifySocket(_settings.NotifySocket);
        var healthy = _health.IsHealthy(out var reason);
        try
        {
            if (healthy)
            {
                _socket.Send(_withholding ? "WATCHDOG=1\nSTATUS=running" : "WATCHDOG=1");
                Pings++;
                if (_withholding)
                {
                    Log.WatchdogResumed(_logger);
                }
            }
            else if (!_withholding)
            {
                _socket.Send($"STATUS=frame loop unhealthy: {reason}");
                Log.WatchdogWithheld(_logger, reason);
            }

            _sendFailed = false;
        }
        catch (SocketException e)
        {
            // systemd is what restarts us if pings stop; all we can do is say it once.
            if (!_sendFailed)
            {
                Log.NotifyFailed(_logger, e, _settings.NotifySocket);
            }

            _sendFailed = true;
            return false;
        }

        _withholding = !healthy;
        return healthy;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_settings.PingInterval is not { } interval || _settings.NotifySocket is null)
        {
            return;
        }

        Log.WatchdogEnabled(_logger, _settings.Timeout!.Value, interval);
        using var timer = new PeriodicTimer(interval, _time);
        do
        {
            Tick();
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }
}
