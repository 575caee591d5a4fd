using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Siampain.Hosting;

/// <summary>
/// What systemd told the service about its notify socket and watchdog through the environment
/// (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID; see sd_notify(3) and sd_watchdog_enabled(3)).
/// </summary>
public sealed record WatchdogSettings(string? NotifySocket, TimeSpan? Timeout)
{
    public static WatchdogSettings None { get; } = new(null, null);

    /// <summary>Pings go out at half the timeout, as systemd recommends, so one late ping is not fatal.</summary>
    public TimeSpan? PingInterval => Timeout / 2;

    /// <summary>Reads the variables; the watchdog is off unless both are set and WATCHDOG_PID (if set) names this process.</summary>
    public static WatchdogSettings FromEnvironment(Func<string, string?> variable, int processId)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var socket = variable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket))
        {
            return None;
        }

        var usec = variable("WATCHDOG_USEC");
        var pid = variable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) || owner != processId))
        {
            // The watchdog belongs to another process (a wrapper that exec'd without passing it on).
            return new WatchdogSettings(socket, null);
        }

        return ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micro) && micro > 0
            ? new WatchdogSettings(socket, TimeSpan.FromMicroseconds(micro))
            : new WatchdogSettings(socket, null);
    }
}

/// <summary>
/// Sends sd_notify messages ("WATCHDOG=1", "STATUS=...") as datagrams to systemd's unix socket. A name starting
/// with '@' is an abstract socket (no file), as sd_notify(3) specifies.
/// </summary>
public sealed class SystemdNotifySocket : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endPoint;

    public SystemdNotifySocket(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _endPoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public string Path { get; }

    /// <exception cref="SocketException">systemd's socket is gone or refuses the datagram.</exception>
    public void Send(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, _endPoint);
    }

    public void Dispose() => _socket.Dispose();
}
