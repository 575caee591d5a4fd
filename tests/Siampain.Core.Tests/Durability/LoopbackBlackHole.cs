using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Siampain.Tests.Durability;

/// <summary>
/// Drops every packet sent to one loopback port (an iptables rule), like a pulled cable or a firewall that swallows
/// traffic: no reset, no answer. The rule is removed on dispose, whatever happened.
/// </summary>
internal sealed class LoopbackBlackHole : IDisposable
{
    private readonly string[] _rule;
    private bool _active;

    public LoopbackBlackHole(int port)
    {
        _rule = ["INPUT", "-i", "lo", "-p", "tcp", "--dport", port.ToString(CultureInfo.InvariantCulture), "-j", "DROP"];
        Run(["-w", "-I", .. _rule]);
        _active = true;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Remove()
    {
        if (_active)
        {
            Run(["-w", "-D", .. _rule]);
            _active = false;
        }
    }

    public void Dispose() => Remove();

    private static void Run(string[] arguments)
    {
        var start = new ProcessStartInfo("iptables") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"iptables {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
