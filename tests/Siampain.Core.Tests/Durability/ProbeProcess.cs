using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Siampain.OutboxProbe;

namespace Siampain.Tests.Durability;

/// <summary>
/// The probe terminal (Siampain.OutboxProbe: the real storage, attendance and MQTT classes) as a child process.
/// <see cref="Kill"/> is SIGKILL: no finally block, no dispose, no flush runs in it. Dispose always kills it.
/// </summary>
internal sealed class ProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _log = new();

    private ProbeProcess(Process process)
    {
        _process = process;
    }

    /// <summary>"recorded" lines: each printed only after its record and event were durable.</summary>
    public IReadOnlyList<Delivery> Recorded =>
        [.. _lines.Where(l => l.StartsWith("recorded ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => new Delivery(long.Parse(p[1], CultureInfo.InvariantCulture), p[2]))];

    public bool HasExited => _process.HasExited;

    public static ProbeProcess Start(string databasePath, int port, IEnumerable<string> arguments)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, typeof(ProbeTerminal).Assembly.GetName().Name!);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--Storage:Path={databasePath}");
        start.ArgumentList.Add(FormattableString.Invariant($"--Mqtt:Port={port}"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var probe = new ProbeProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                probe._lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                probe._log.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return probe;
    }

    public Task WaitForLineAsync(string line, int seconds = 60) =>
        Wait.UntilAsync(() => _lines.Contains(line), $"the probe to print '{line}'",
            () => _process.HasExited ? $"it exited with {_process.ExitCode}; {Describe()}" : Describe(), seconds);

    /// <summary>SIGKILL, then wait until the kernel has reaped it (its files and sockets are closed then).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
    }

    /// <summary>Closes its stdin, which stops it the way SIGTERM does; waits for it to exit.</summary>
    public async Task StopAsync()
    {
        _process.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token);
        Assert.True(_process.ExitCode == 0, $"the probe exited with {_process.ExitCode}; {Describe()}");
    }

    public string Describe() => $"probe output:\n{string.Join("\n", _lines.TakeLast(5))}\nprobe log:\n{string.Join("\n", _log.TakeLast(30))}";

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
