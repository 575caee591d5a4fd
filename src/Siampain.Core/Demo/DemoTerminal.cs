using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Attendance;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;

namespace Siampain.Demo;

/// <summary>
/// The terminal's stages as the service wires them, on a database file of the demo's own and the simulated clock:
/// people and courses, the attendance recorder with its outbox, the recognition pipeline on the enrolled gallery.
/// </summary>
public sealed class DemoTerminal : IDisposable
{
    private readonly SimulatedClock _clock;
    private readonly ILoggerFactory _loggers;

    public DemoTerminal(string databasePath, SimulatedClock clock, MqttTopics topics, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(topics);
        _clock = clock;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        Database = new SiampainDatabase(new StorageOptions { Path = databasePath }, clock, _loggers.CreateLogger<SiampainDatabase>());
        try
        {
            People = new PeopleStore(Database);
            Attendance = new AttendanceStore(Database);
            Outbox = new LiteOutbox(Database, new OutboxOptions(), _loggers.CreateLogger<LiteOutbox>());
            Recorder = new AttendanceRecorder(Attendance, Outbox, People, new AttendanceOptions(), topics, clock, _loggers.CreateLogger<AttendanceRecorder>());
        }
        catch
        {
            Database.Dispose();
            throw;
        }
    }

    public SiampainDatabase Database { get; }

    public PeopleStore People { get; }

    public AttendanceStore Attendance { get; }

    public LiteOutbox Outbox { get; }

    public AttendanceRecorder Recorder { get; }

    /// <summary>Enrols the scenario's people and stores its course.</summary>
    public void Prepare(DemoScenario scenario, FaceAnalyzer analyzer)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        DemoEnrolment.Enrol(scenario.Enrolled, analyzer, People, _clock);
        Attendance.SaveCourses([scenario.Course]);
    }

    /// <summary>
    /// A player of <paramref name="clip"/> through a recognition pipeline on the enrolled gallery; without
    /// <paramref name="options"/>, the terminal's defaults (the manifest's threshold for the gallery's size).
    /// </summary>
    public DemoPlayer CreatePlayer(DemoClip clip, FaceAnalyzer analyzer, IDoorSignal door, RecognitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var gallery = DemoEnrolment.LoadGallery(People, analyzer.Embedder);
        options ??= new RecognitionOptions();
        var pipeline = new RecognitionPipeline(analyzer.Detector, analyzer.Embedder, gallery, options, TimeProvider.System);
        var names = People.List().ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
        return new DemoPlayer(clip, _clock, pipeline, Recorder, door, names, _loggers.CreateLogger<DemoPlayer>());
    }

    public void Dispose() => Database.Dispose();
}
