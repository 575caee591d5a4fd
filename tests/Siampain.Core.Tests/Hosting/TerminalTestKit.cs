using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Siampain.Attendance;
using Siampain.Camera;
using Siampain.Detection;
using Siampain.Gpio;
using Siampain.Hosting;
using Siampain.Imaging;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Hosting;

/// <summary>
/// A terminal's files in a temp folder: the configuration file, the database, a folder of door-camera frames.
/// Deleted on dispose.
/// </summary>
internal sealed class TerminalFolder : IDisposable
{
    public TerminalFolder()
    {
        Folder = Directory.CreateTempSubdirectory("siampain-terminal-").FullName;
        FramesFolder = Directory.CreateDirectory(Path.Combine(Folder, "frames")).FullName;
    }

    public string Folder { get; }

    public string FramesFolder { get; }

    public string ConfigPath => Path.Combine(Folder, "siampain.json");

    public string DatabasePath => Path.Combine(Folder, "db", "siampain.db");

    /// <summary>
    /// The configuration of a terminal on this machine: the repository's models, the frames folder as camera, no
    /// door hardware, this database, a broker on <paramref name="mqttPort"/>; <paramref name="change"/> edits it.
    /// </summary>
    public void WriteConfig(int mqttPort = 1, Action<JsonObject>? change = null)
    {
        var config = new JsonObject
        {
            ["Recognition"] = new JsonObject { ["ModelsFolder"] = TestAssets.ModelsFolder, ["Embedder"] = "int8" },
            ["Camera"] = new JsonObject { ["Kind"] = "Images", ["ImagesFolder"] = FramesFolder, ["FrameRate"] = 15 },
            ["Door"] = new JsonObject { ["Output"] = "None" },
            ["Storage"] = new JsonObject { ["Path"] = DatabasePath },
            ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = mqttPort, ["DeviceId"] = "door-1", ["Discovery"] = false, ["BackoffMax"] = "00:00:02" },
        };
        change?.Invoke(config);
        File.WriteAllText(ConfigPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    public TerminalHostSettings Settings(CollectingLoggerProvider logs, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, params string[] overrides) => new()
    {
        ConfigPath = ConfigPath,
        Overrides = overrides,
        ReadEnvironment = false,
        ConfigureLogging = logging => logging.AddProvider(logs),
        ConfigureServices = services,
    };

    /// <summary>Writes <paramref name="count"/> copies of a door-camera frame of face <paramref name="face"/> of the photo.</summary>
    public void WriteFrames(RgbImage photo, DetectedFace face, int count, string prefix = "frame")
    {
        var frame = DoorFrames.Around(photo, face);
        for (var i = 0; i < count; i++)
        {
            ImageFile.SavePng(frame, Path.Combine(FramesFolder, $"{prefix}-{i:D3}.png"));
        }
    }

    /// <summary>Enrols a person from one face of a photo, the way `siampain enroll` stores templates.</summary>
    public void Enrol(FaceAnalyzer analyzer, string id, string name, RgbImage photo, DetectedFace face, string? modelId = null)
    {
        using var db = OpenDatabase();
        var people = new PeopleStore(db);
        people.Upsert(id, name);
        people.AddTemplates(id, [new FaceTemplate { Embedding = analyzer.Embed(photo, face), ModelId = modelId ?? analyzer.Embedder.ModelId, Source = "test", Created = DateTimeOffset.UtcNow }]);
    }

    /// <summary>A course whose session runs now (local time) with <paramref name="roster"/>.</summary>
    public void AddRunningCourse(params string[] roster)
    {
        var now = TimeOnly.FromDateTime(DateTime.Now);

        // A session may not cross midnight; near it the test session is simply shorter.
        var start = now.Hour == 0 && now.Minute < 10 ? new TimeOnly(0, 0) : now.AddMinutes(-10);
        var end = now.Hour == 23 && now.Minute >= 50 ? new TimeOnly(23, 59, 59) : now.AddMinutes(60);
        using var db = OpenDatabase();
        new AttendanceStore(db).SaveCourses([new Course
        {
            Id = "cs101",
            Name = "Intro",
            Roster = [.. roster],
            LateGraceMinutes = 30,
            Schedule = [new ScheduleSlot { Day = DateTime.Now.DayOfWeek, Start = start, End = end }],
        }]);
    }

    public SiampainDatabase OpenDatabase() => new(new StorageOptions { Path = DatabasePath }, TimeProvider.System);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>The door as a test sees it: every signal in order.</summary>
internal sealed class RecordingDoorSignal : IDoorSignal
{
    private readonly ConcurrentQueue<(DoorSignalKind Kind, string? Subject)> _signals = new();

    public IReadOnlyList<(DoorSignalKind Kind, string? Subject)> Signals => [.. _signals];

    public ValueTask SignalAsync(DoorSignalKind kind, CancellationToken cancellationToken) => SignalAsync(kind, null, cancellationToken);

    public ValueTask SignalAsync(DoorSignalKind kind, string? subject, CancellationToken cancellationToken)
    {
        _signals.Enqueue((kind, subject));
        return ValueTask.CompletedTask;
    }
}

/// <summary>A camera the test feeds frame by frame.</summary>
internal sealed class ChannelFrameSource : IFrameSource
{
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private long _sequence;

    public ChannelReader<Frame> Frames => _frames.Reader;

    public FrameSourceHealth Health => new(FrameSourceState.Running, null, 0, 0, _sequence, 0, null);

    public void Start()
    {
    }

    public void Push(RgbImage image, DateTimeOffset at)
    {
        var frame = Frame.Wrap(image);
        frame.Sequence = Interlocked.Increment(ref _sequence);
        frame.CapturedAt = at;
        _frames.Writer.TryWrite(frame);
    }

    public ValueTask DisposeAsync()
    {
        _frames.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The real pipeline, made to throw for the next few frames: a fault the frame loop must survive.</summary>
internal sealed class FlakyPipeline(IRecognitionPipeline inner) : IRecognitionPipeline
{
    private int _failures;

    public PipelineStats Stats => inner.Stats;

    public void FailNext(int frames) => Interlocked.Exchange(ref _failures, frames);

    public void Process(Frame frame, List<FaceDecision> decisions)
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new InvalidOperationException("injected pipeline failure");
        }

        inner.Process(frame, decisions);
    }
}

internal sealed record CollectedLog(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>Keeps every log line of the host.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CollectedLog> _entries = new();

    public IReadOnlyList<CollectedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CollectedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CollectedLog(category, logLevel, eventId, formatter(state, exception)));
    }
}

internal static class Eventually
{
    /// <summary>Polls until <paramref name="done"/> holds; the bound only keeps a broken test from hanging.</summary>
    public static async Task HoldsAsync(Func<bool> done, Func<string> what, int seconds = 90)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Gave up waiting: {what()}");
            }

            await Task.Delay(20);
        }
    }
}
