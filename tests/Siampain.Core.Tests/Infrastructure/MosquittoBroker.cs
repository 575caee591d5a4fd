using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Siampain.Tests.Infrastructure;

/// <summary>How a test broker is set up.</summary>
public sealed record MosquittoSettings
{
    /// <summary>User name -> password; when set, anonymous clients are refused.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>Keep retained messages and persistent sessions across <see cref="MosquittoBroker.RestartAsync"/>.</summary>
    public bool Persistence { get; init; }

    /// <summary>Lines of an ACL file (mosquitto's acl_file syntax); none means every client may do everything.</summary>
    public IReadOnlyList<string> Acl { get; init; } = [];

    /// <summary>Extra lines appended to the generated mosquitto.conf (TLS listeners and the like).</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}

/// <summary>
/// A real mosquitto on a free loopback port, run in the foreground with a config written here, stopped by PID.
/// It can be stopped and restarted on the same port, or frozen with SIGSTOP and thawed with SIGCONT to play a
/// broker that keeps its sockets open but answers nothing. Dispose always kills it and deletes its folder.
/// </summary>
public sealed partial class MosquittoBroker : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(15);

    private readonly string _config;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private bool _frozen;

    private MosquittoBroker(string folder, int port, string config)
    {
        Folder = folder;
        Port = port;
        _config = config;
    }

    public string Folder { get; }

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The broker's log and anything it printed; handy in assertion messages.</summary>
    public string Output
    {
        get
        {
            var log = Path.Combine(Folder, "mosquitto.log");
            lock (_output)
            {
                return _output + (File.Exists(log) ? File.ReadAllText(log) : string.Empty);
            }
        }
    }

    public static async Task<MosquittoBroker> StartAsync(MosquittoSettings? settings = null)
    {
        settings ??= new MosquittoSettings();
        var folder = Directory.CreateTempSubdirectory("siampain-mosquitto-").FullName;
        var port = FreeLoopbackPort();
        var lines = new List<string>
        {
            $"listener {port} 127.0.0.1",
            // Only applies when started as root: keep the current user so the broker can use this folder.
            $"user {Environment.UserName}",
            // stdout is block-buffered when not a terminal; a file is flushed line by line.
            $"log_dest file {Path.Combine(folder, "mosquitto.log")}",
            "log_type all",
            "max_queued_messages 100000",
        };

        if (settings.Users is { Count: > 0 } users)
        {
            var passwordFile = Path.Combine(folder, "passwords");
            foreach (var (user, password) in users)
            {
                var create = File.Exists(passwordFile) ? [] : new[] { "-c" };
                await RunToolAsync("mosquitto_passwd", [.. create, "-b", passwordFile, user, password]);
            }

            lines.Add("allow_anonymous false");
            lines.Add($"password_file {passwordFile}");
        }
        else
        {
            lines.Add("allow_anonymous true");
        }

        lines.Add(settings.Persistence ? "persistence true" : "persistence false");
        if (settings.Persistence)
        {
            lines.Add($"persistence_location {folder}{Path.DirectorySeparatorChar}");
        }

        if (settings.Acl.Count > 0)
        {
            var aclFile = Path.Combine(folder, "acl");
            await File.WriteAllLinesAsync(aclFile, settings.Acl);
            lines.Add($"acl_file {aclFile}");
        }

        lines.AddRange(settings.ExtraConfig);
        var config = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllLinesAsync(config, lines);

        var broker = new MosquittoBroker(folder, port, config);
        try
        {
            await broker.LaunchAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }

        return broker;
    }

    /// <summary>SIGTERM and wait: clients see the connection close, a persistent broker saves its state.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        Thaw();
        if (!_process.HasExited)
        {
            Signal(SigTerm);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    /// <summary>SIGSTOP: the kernel still accepts connections and data, but nothing is ever answered.</summary>
    public void Freeze()
    {
        Signal(SigStop);
        _frozen = true;
    }

    public void Thaw()
    {
        if (_frozen)
        {
            Signal(SigCont);
            _frozen = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo("mosquitto")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_config);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("mosquitto is not installed (apt-get install mosquitto mosquitto-clients).", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode} at start:\n{Output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < StartLimit)
            {
                await Task.Delay(50);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void Signal(int signal)
    {
        if (_process is { HasExited: false } process && Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunToolAsync(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {stderr}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
