using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Attendance;
using Siampain.Detection;
using Siampain.Gpio;
using Siampain.Hosting;
using Siampain.Messaging;
using Siampain.Pipeline;
using Siampain.Storage;
using Siampain.Tests.Storage;

namespace Siampain.Tests.Hosting;

/// <summary>The one policy of the service and the demo for each kind of decision, on a real database in session.</summary>
public sealed class DecisionHandlerTests : IDisposable
{
    private static readonly DetectedFace Face = new(new FaceBox(0, 0, 10, 10), 0.9f, default);
    private readonly TempDatabase _temp = new();
    private readonly SiampainDatabase _db;
    private readonly LiteOutbox _outbox;
    private readonly AttendanceStore _store;
    private readonly RecordingDoorSignal _door = new();
    private readonly DecisionHandler _handler;

    public DecisionHandlerTests()
    {
        _db = _temp.Open();
        var people = new PeopleStore(_db);
        people.Upsert("s1", "Ann");
        people.Upsert("s9", "Zed");
        _store = new AttendanceStore(_db);
        _store.SaveCourses([
            new Course
            {
                Id = "cs101",
                Name = "Intro",
                Roster = ["s1"],
                Schedule = [new ScheduleSlot { Day = DayOfWeek.Monday, Start = new TimeOnly(9, 0), End = new TimeOnly(10, 30) }],
            },
        ]);
        _outbox = new LiteOutbox(_db, new OutboxOptions());
        var recorder = new AttendanceRecorder(_store, _outbox, people, new AttendanceOptions(), new MqttTopics(new MqttOptions()), _temp.Time);
        _temp.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 9, 5, 0, TimeSpan.Zero));
        recorder.Tick();
        _handler = new DecisionHandler(recorder, _door, id => id == "s1" ? "Ann" : "Zed", NullLogger.Instance);
    }

    public void Dispose()
    {
        _db.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task An_uncertain_face_records_nothing_and_the_door_says_look_again()
    {
        var outcome = await _handler.HandleAsync(Decision(DecisionKind.Uncertain, null), CancellationToken.None);

        Assert.Empty(outcome.Records);
        Assert.Equal(DoorSignalKind.Error, outcome.Signal);
        Assert.Null(outcome.Failure);
        Assert.Equal([(DoorSignalKind.Error, (string?)null)], _door.Signals);
        Assert.Empty(_store.RecordsOf("cs101-2026-11-23-0900"));
        Assert.Equal(0, _outbox.PendingCount);
    }

    [Fact]
    public async Task Recognised_and_unknown_faces_are_recorded_before_the_door_signals()
    {
        var present = await _handler.HandleAsync(Decision(DecisionKind.Recognised, "s1"), CancellationToken.None);
        var notOnRoster = await _handler.HandleAsync(Decision(DecisionKind.Recognised, "s9"), CancellationToken.None);
        var stranger = await _handler.HandleAsync(Decision(DecisionKind.Unknown, null), CancellationToken.None);

        Assert.Equal(AttendanceStatus.Present, Assert.Single(present.Records).Status);
        Assert.Equal(AttendanceStatus.NotOnRoster, Assert.Single(notOnRoster.Records).Status);
        Assert.Equal(AttendanceStatus.Unknown, Assert.Single(stranger.Records).Status);
        Assert.Equal(
            [(DoorSignalKind.Recognised, "Ann"), (DoorSignalKind.Unknown, "Zed (not on the roster)"), (DoorSignalKind.Unknown, (string?)null)],
            _door.Signals);
        Assert.Equal(3, _store.RecordsOf("cs101-2026-11-23-0900").Count);
        Assert.Equal(3, _outbox.PendingCount);
    }

    private FaceDecision Decision(DecisionKind kind, string? person)
    {
        var now = _temp.Time.GetUtcNow();
        return new FaceDecision(1, kind, person, 0.8f, 4, now.AddMilliseconds(-200), now, Face);
    }
}
