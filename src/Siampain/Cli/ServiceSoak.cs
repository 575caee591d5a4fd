using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Siampain.Attendance;
using Siampain.Demo;
using Siampain.Messaging;
using Siampain.Recognition;
using Spectre.Console;
using static System.FormattableString;

namespace Siampain.Cli;

/// <summary>
/// `siampain bench soak`: the service itself (`siampain run` in a child process: the Generic Host, a real
/// configuration file, LiteDB, the console door signal, MQTT to a broker on loopback) fed by a `Command` camera
/// that loops a video of the demo's walk-ups through ffmpeg at 15 fps, its resident memory read from
/// /proc/&lt;pid&gt;/status every 10 s. Only the service's own memory is measured: the renderer, the broker and
/// ffmpeg live in other processes or in this one.
/// </summary>
internal static partial class ServiceSoak
{
    private const int SigTerm = 15;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);

    /// <param name="recognition">The service's "Recognition" section: the models the people were enrolled with.</param>
    public static async Task<int> RunAsync(FaceAnalyzer analyzer, IReadOnlyList<DemoPerson> people, JsonObject recognition, double minutes, string[] overrides, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("siampain-soak-");
        try
        {
            var clipOptions = new DemoClipOptions();
            var scenario = DemoScenario.Build(people, new DemoScenarioOptions(), DemoVisibility.Detector(analyzer.Detector, clipOptions));
            var clip = new DemoClip(scenario, clipOptions);
            var video = Path.Combine(folder.FullName, "walk-ups.avi");
            await EncodeAsync(clip, video, cancellationToken).ConfigureAwait(false);
            var database = Path.Combine(folder.FullName, "siampain.db");
            Enrol(scenario, analyzer, database, minutes);

            var topics = new MqttTopics(new MqttOptions { DeviceId = "soak" });
            await using var broker = await DemoBroker.StartAsync(topics.Events, topics.Sessions).ConfigureAwait(false);
            var config = Path.Combine(folder.FullName, "siampain.json");
            await File.WriteAllTextAsync(config, Configuration(recognition, video, database, broker.Port).ToJsonString(), cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLine(Invariant($"Soak of `siampain run` for {minutes} min: {clip.Frames.Count}-frame clip of {scenario.Passages.Count} walk-ups looped at 15 fps, {scenario.Enrolled.Count} people enrolled, broker on 127.0.0.1:{broker.Port}."));
            return await MeasureAsync(config, overrides, minutes, broker, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(string config, string[] overrides, double minutes, DemoBroker broker, CancellationToken cancellationToken)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The executable's path is unknown.");
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Started as `dotnet siampain.dll`, the service is started the same way.
        string[] entry = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(ServiceSoak).Assembly.Location] : [];
        foreach (var argument in (string[])[.. entry, "run", "--config", config, .. overrides.SelectMany(o => new[] { "--set", o })])
        {
            start.ArgumentList.Add(argument);
        }

        using var service = Process.Start(start) ?? throw new InvalidOperationException("`siampain run` did not start.");
        var signals = 0;
        var errors = new List<string>();
        service.OutputDataReceived += (_, e) => Interlocked.Increment(ref signals);
        service.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && (line.Contains("fail", StringComparison.OrdinalIgnoreCase) || line.Contains("crit", StringComparison.OrdinalIgnoreCase)))
            {
                lock (errors)
                {
                    errors.Add(line);
                }
            }
        };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();

        var samples = new List<(double Minutes, Status Status)>();
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed.TotalMinutes < minutes && !service.HasExited)
            {
                samples.Add((clock.Elapsed.TotalMinutes, Status.Read(service.Id)));
                var (at, last) = samples[^1];
                if (samples.Count % 6 == 1)
                {
                    AnsiConsole.MarkupLine(Invariant($"  {at:0.0} min: RSS {last.RssMb:0} MB (anonymous {last.AnonMb:0}, files {last.FileMb:0}), peak {last.PeakMb:0} MB, {last.Threads} threads; {Volatile.Read(ref signals)} door signals, broker got {broker.Events} events"));
                }

                await Task.Delay(SampleEvery, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!service.HasExited)
            {
                _ = Kill(service.Id, SigTerm);
                await service.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (samples.Count < 2 || service.ExitCode != 0)
        {
            AnsiConsole.MarkupLine(Invariant($"[red]`siampain run` exited with {service.ExitCode} after {clock.Elapsed.TotalMinutes:0.0} min.[/]"));
            errors.ForEach(e => AnsiConsole.WriteLine(e));
            return 1;
        }

        // From minute 1 the slope still holds the warm-up (code tiering up, ONNX Runtime's buffers reaching their
        // sizes); over the second half it shows whether the service keeps growing.
        var steady = samples.Where(s => s.Minutes >= 1).Select(s => (s.Minutes, s.Status.RssMb)).ToList();
        var secondHalf = samples.Where(s => s.Minutes >= minutes / 2).Select(s => (s.Minutes, s.Status.RssMb)).ToList();
        string At(double minute) => samples.LastOrDefault(s => s.Minutes <= minute + 0.01) is { Status: { } status } && minute <= samples[^1].Minutes + 0.2 ? Invariant($"{status.RssMb:0}") : "-";
        AnsiConsole.MarkupLine(Invariant(
            $"`siampain run`, {samples[^1].Minutes:0.0} min, {Volatile.Read(ref signals)} door signals, {broker.Events} events delivered: RSS after 1 min {At(1)} MB, 5 min {At(5)} MB, 10 min {At(10)} MB, max {samples.Max(s => s.Status.RssMb):0} MB, kernel peak {samples[^1].Status.PeakMb:0} MB; slope from minute 1 {Slope(steady):+0.00;-0.00} MB/min, over the second half {Slope(secondHalf):+0.00;-0.00} MB/min ({samples.Count} samples). Targets: <= 200 MB, no growth."));
        if (errors.Count > 0)
        {
            AnsiConsole.MarkupLine(Invariant($"[yellow]{errors.Count} failure lines in the service's log, the first: {Markup.Escape(errors[0])}[/]"));
        }

        return 0;
    }

    /// <summary>The clip rendered once into a motion-JPEG file: ffmpeg then plays it as a camera would deliver it.</summary>
    private static async Task EncodeAsync(DemoClip clip, string video, CancellationToken cancellationToken)
    {
        var options = clip.Options;
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{options.Width}x{options.Height}",
            "-r", options.FrameRate.ToString(CultureInfo.InvariantCulture), "-i", "-", "-c:v", "mjpeg", "-q:v", "3", video])
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start.");
        var errors = ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
        var renderer = new DemoRenderer(options);
        var image = new Imaging.RgbImage(options.Width, options.Height);
        await using (ffmpeg.StandardInput.BaseStream.ConfigureAwait(false))
        {
            foreach (var frame in clip.Frames)
            {
                renderer.RenderInto(frame, image);
                await ffmpeg.StandardInput.BaseStream.WriteAsync(image.Pixels, cancellationToken).ConfigureAwait(false);
            }
        }

        await ffmpeg.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not encode the soak clip: {await errors.ConfigureAwait(false)}");
        }
    }

    /// <summary>
    /// The demo's people enrolled in the soak's database, on a course in session for the whole soak, so every walk-up
    /// writes attendance records and outbox events as at a real door.
    /// </summary>
    private static void Enrol(DemoScenario scenario, FaceAnalyzer analyzer, string database, double minutes)
    {
        var clock = new SimulatedClock(DateTimeOffset.Now);
        using var terminal = new DemoTerminal(database, clock, new MqttTopics(new MqttOptions()));
        terminal.Prepare(scenario, analyzer);
        var now = DateTime.Now;
        var end = now.AddMinutes(minutes + 10);
        var course = new Course
        {
            Id = "soak",
            Name = "Soak",
            Roster = [.. scenario.Enrolled.Select(p => p.Id)],
            Schedule =
            [
                new ScheduleSlot
                {
                    Day = now.DayOfWeek,
                    Start = TimeOnly.FromDateTime(now.AddMinutes(-5)),
                    End = end.Date == now.Date ? TimeOnly.FromDateTime(end) : new TimeOnly(23, 59),
                },
            ],
        };
        terminal.Attendance.SaveCourses([course]);
    }

    private static JsonObject Configuration(JsonObject recognition, string video, string database, int brokerPort) => new()
    {
        ["Recognition"] = recognition,
        ["Camera"] = new JsonObject
        {
            ["Kind"] = "Command",
            ["Command"] = "ffmpeg",
            ["Arguments"] = new JsonArray("-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", video, "-f", "rawvideo", "-pix_fmt", "bgr24", "-"),
            ["PixelFormat"] = "Bgr24",
            ["Width"] = 640,
            ["Height"] = 480,
            ["FrameRate"] = 15,
        },
        ["Door"] = new JsonObject { ["Output"] = "Console" },
        ["Storage"] = new JsonObject { ["Path"] = database },
        // Gaps shorter than the 36 s loop: every walk-up of the loop is a new exit, return or stranger record, so
        // the database, the outbox and MQTT work all the time, as at a busy door.
        ["Attendance"] = new JsonObject { ["Room"] = "", ["MinimumGapSeconds"] = 20, ["UnknownGapSeconds"] = 20 },
        ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = brokerPort, ["DeviceId"] = "soak", ["Tls"] = false },
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
    };

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var covariance = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        var variance = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return variance == 0 ? 0 : covariance / variance;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>The memory lines of /proc/&lt;pid&gt;/status, in MB.</summary>
    private readonly record struct Status(double RssMb, double AnonMb, double FileMb, double PeakMb, int Threads)
    {
        public static Status Read(int pid)
        {
            var fields = File.ReadLines($"/proc/{pid}/status")
                .Select(l => l.Split(':', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
            double Mb(string key) => fields.TryGetValue(key, out var value) ? double.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture) / 1024 : 0;
            return new Status(Mb("VmRSS"), Mb("RssAnon"), Mb("RssFile"), Mb("VmHWM"), int.Parse(fields.GetValueOrDefault("Threads", "0"), CultureInfo.InvariantCulture));
        }
    }
}
