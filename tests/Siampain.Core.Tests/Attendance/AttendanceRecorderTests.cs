using System.Text.Json;
using Siampain.Attendance;
using Siampain.Detection;
using Siampain.Messaging;
using Siampain.Pipeline;
using Siampain.Storage;
using Siampain.Tests.Storage;

namespace Siampain.Tests.Attendance;

/// <summary>The recorder on a real database file, driven by a fake clock through one Monday 09:00-10:30 session.</summary>
public sealed class AttendanceRecorderTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _temp = new();
    private readonly AttendanceOptions _options = new();
    private readonly MqttTopics _topics = new(new MqttOptions { TopicPrefix = "school", DeviceId = "door-1" });
    private SiampainDatabase _db;
    private LiteOutbox _outbox;
    private AttendanceStore _store;
    private AttendanceRecorder _recorder;

    public AttendanceRecorderTests()
    {
        _db = _temp.Open();
        var people = new PeopleStore(_db);
        people.Upsert("s1", "Ann");
        people.Upsert("s2", "Bo");
        people.Upsert("s3", "Cy");
        new AttendanceStore(_db).SaveCourses([
            new Course
            {
                Id = "cs101",
                Name = "Intro",
                LateGraceMinutes = 10,
                Roster = ["s1", "s2", "s3"],
                Schedule = [new ScheduleSlot { Day = DayOfWeek.Monday, Start = new TimeOnly(9, 0), End = new TimeOnly(10, 30), Room = "B12" }],
            },
        ]);
        (_outbox, _store, _recorder) = Start();
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_session_opens_before_its_start_and_closes_at_its_end()
    {
        At(8, 0);
        _recorder.Tick();
        Assert.Empty(_recorder.OpenSessions);
        Assert.Equal(SessionState.Scheduled, Assert.Single(_store.ListSessions()).State);

        At(8, 45);
        _recorder.Tick();
        var open = Assert.Single(_recorder.OpenSessions);
        Assert.Equal("cs101-2026-11-23-0900", open.Id);

        At(10, 30);
        _recorder.Tick();
        Assert.Empty(_recorder.OpenSessions);
        Assert.Equal(SessionState.Closed, _store.FindSession(open.Id)!.State);
    }

    [Fact]
    public void Pipeline_decisions_become_sightings_and_names_are_looked_up()
    {
        At(8, 55);
        var face = new DetectedFace(new FaceBox(0, 0, 10, 10), 0.9f, default);
        var recognised = Sighting.From(new FaceDecision(1, DecisionKind.Recognised, "s2", 0.8f, 5, Now.AddSeconds(-1), Now, face));
        var unknown = Sighting.From(new FaceDecision(2, DecisionKind.Unknown, null, 0.3f, 5, Now, Now, face));

        Assert.Null(Sighting.From(new FaceDecision(3, DecisionKind.Uncertain, null, 0.5f, 5, Now, Now, face)));
        var record = Assert.Single(_recorder.Record(recognised!.Value));
        Assert.Equal(("s2", "Bo", AttendanceStatus.Present), (record.PersonId, record.PersonName, record.Status));
        Assert.Equal(AttendanceStatus.Unknown, Assert.Single(_recorder.Record(unknown!.Value)).Status);
    }

    [Fact]
    public void A_sighting_outside_any_session_records_nothing()
    {
        At(7, 0);
        Assert.Empty(_recorder.Record(Seen("s1")));
        Assert.Equal(0, _outbox.PendingCount);
    }

    [Fact]
    public void Each_record_is_stored_with_its_event_and_the_payload_carries_every_field()
    {
        At(8, 55);
        var record = Assert.Single(_recorder.Record(Seen("s1")));

        Assert.Equal(AttendanceStatus.Present, record.Status);
        var message = Assert.Single(_outbox.PeekPending(10));
        Assert.Equal((record.Sequence, record.EventId), (message.Sequence, message.EventId));
        Assert.Equal("school/door-1/events", message.Topic);

        using var json = JsonDocument.Parse(message.Payload);
        var root = json.RootElement;
        Assert.Equal(record.EventId, root.GetProperty("event_id").GetString());
        Assert.Equal(1, root.GetProperty("seq").GetInt64());
        Assert.Equal("2026-11-23T08:55:00+00:00", root.GetProperty("time").GetString());
        Assert.Equal("door-1", root.GetProperty("device").GetString());
        Assert.Equal("cs101", root.GetProperty("course").GetString());
        Assert.Equal("cs101-2026-11-23-0900", root.GetProperty("session").GetString());
        Assert.Equal("s1", root.GetProperty("person").GetString());
        Assert.Equal("present", root.GetProperty("status").GetString());
        Assert.Equal(0.9, root.GetProperty("confidence").GetDouble(), 6);
    }

    [Fact]
    public void A_whole_session_gives_the_expected_records_and_a_summary()
    {
        At(8, 55);
        _recorder.Record(Seen("s1"));
        At(9, 12);
        _recorder.Record(Seen("s2"));
        _recorder.Record(Sighting.Unknown(Now, 0.2));
        At(9, 12, 30);
        _recorder.Record(Sighting.Unknown(Now, 0.2));
        _recorder.Record(Seen("x9", "Visitor"));
        At(9, 40);
        _recorder.Record(Seen("s1"));
        At(10, 0);
        _recorder.Record(Seen("s2"));
        At(10, 10);
        _recorder.Record(Seen("s2"));

        At(10, 31);
        _recorder.Tick();

        var records = _store.RecordsOf("cs101-2026-11-23-0900");
        Assert.Equal(
            [
                ("s1", AttendanceStatus.Present), ("s2", AttendanceStatus.Late), (null, AttendanceStatus.Unknown),
                ("x9", AttendanceStatus.NotOnRoster), ("s1", AttendanceStatus.Exit), ("s2", AttendanceStatus.Exit),
                ("s2", AttendanceStatus.Returned), ("s1", AttendanceStatus.LeftEarly), ("s3", AttendanceStatus.Absent),
            ],
            records.Select(r => (r.PersonId, r.Status)));
        Assert.Equal("Cy", records[^1].PersonName);

        // Every record has its event, and the events are gap-free: one per record plus the summary.
        var messages = _outbox.PeekPending(100);
        Assert.Equal(Enumerable.Range(1, records.Count + 1).Select(i => (long)i), messages.Select(m => m.Sequence));
        Assert.Equal(records.Select(r => r.EventId), messages.Take(records.Count).Select(m => m.EventId));

        var summary = messages[^1];
        Assert.Equal("school/door-1/sessions", summary.Topic);
        using var json = JsonDocument.Parse(summary.Payload);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("expected").GetInt32());
        Assert.Equal("2026-11-23T09:00:00+00:00", root.GetProperty("start").GetString());
        Assert.Equal(
            (2, 1, 1, 1, 1, 1),
            (root.GetProperty("present").GetInt32(), root.GetProperty("late").GetInt32(), root.GetProperty("left_early").GetInt32(),
                root.GetProperty("absent").GetInt32(), root.GetProperty("not_on_roster").GetInt32(), root.GetProperty("unknown_faces").GetInt32()));
    }

    [Fact]
    public void A_restart_in_the_middle_of_a_session_continues_exactly_where_it_stopped()
    {
        At(8, 55);
        _recorder.Record(Seen("s1"));
        At(9, 5);
        _recorder.Record(Seen("s2"));
        _recorder.Record(Sighting.Unknown(Now, 0.1));
        var before = _store.RecordsOf("cs101-2026-11-23-0900");

        Restart();

        Assert.Equal("cs101-2026-11-23-0900", Assert.Single(_recorder.OpenSessions).Id);
        Assert.Equal(before.Select(r => (r.EventId, r.Status)), _store.RecordsOf("cs101-2026-11-23-0900").Select(r => (r.EventId, r.Status)));

        // The same stranger and the same student a few seconds later: nothing new, as if there had been no restart.
        At(9, 5, 30);
        Assert.Empty(_recorder.Record(Sighting.Unknown(Now, 0.1)));
        Assert.Empty(_recorder.Record(Seen("s2")));

        // s1 was already present: a later sighting is an exit, not a second "present".
        At(9, 30);
        Assert.Equal(AttendanceStatus.Exit, Assert.Single(_recorder.Record(Seen("s1"))).Status);
        Assert.Equal(4, _outbox.PendingCount);
    }

    [Fact]
    public void After_a_restart_exits_returns_and_the_end_of_session_decisions_use_the_stored_state()
    {
        At(8, 55);
        _recorder.Record(Seen("s1"));
        At(9, 5);
        _recorder.Record(Seen("s2"));
        At(9, 30);
        _recorder.Record(Seen("s1"));
        At(9, 40);
        _recorder.Record(Seen("s2"));

        Restart();

        // s2 just passed the door before the restart: being seen again within the gap is not a return.
        At(9, 40, 30);
        Assert.Empty(_recorder.Record(Seen("s2")));
        At(9, 50);
        Assert.Equal(AttendanceStatus.Returned, Assert.Single(_recorder.Record(Seen("s1"))).Status);

        At(10, 30);
        _recorder.Tick();

        var records = _store.RecordsOf("cs101-2026-11-23-0900");
        Assert.Equal(
            [
                ("s1", AttendanceStatus.Present), ("s2", AttendanceStatus.Present), ("s1", AttendanceStatus.Exit),
                ("s2", AttendanceStatus.Exit), ("s1", AttendanceStatus.Returned), ("s2", AttendanceStatus.LeftEarly),
                ("s3", AttendanceStatus.Absent),
            ],
            records.Select(r => (r.PersonId, r.Status)));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), _outbox.PeekPending(100).Select(m => m.Sequence));
    }

    [Fact]
    public void A_session_that_ended_while_the_terminal_was_off_is_closed_by_the_next_start()
    {
        At(8, 55);
        _recorder.Record(Seen("s1"));
        _db.Dispose();

        At(12, 0);
        _db = _temp.Open();
        (_outbox, _store, _recorder) = Start();
        _recorder.Tick();

        var records = _store.RecordsOf("cs101-2026-11-23-0900");
        Assert.Equal(
            [("s1", AttendanceStatus.Present), ("s2", AttendanceStatus.Absent), ("s3", AttendanceStatus.Absent)],
            records.Select(r => (r.PersonId, r.Status)));
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T10:30:00Z", System.Globalization.CultureInfo.InvariantCulture), records[^1].Time);
    }

    [Fact]
    public void A_terminal_that_comes_up_after_the_grace_marks_nobody_absent()
    {
        At(9, 30);
        _recorder.Tick();
        _recorder.Record(Seen("s1"));
        At(10, 30);
        _recorder.Tick();

        var session = Assert.Single(_store.ListSessions());
        Assert.False(session.Observed);
        Assert.Equal([("s1", AttendanceStatus.Late)], _store.RecordsOf(session.Id).Select(r => (r.PersonId, r.Status)));
    }

    [Fact]
    public void Sessions_follow_the_terminals_local_time()
    {
        _temp.Time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("UTC+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2"));
        At(6, 50);
        _recorder.Tick();

        var session = Assert.Single(_recorder.OpenSessions);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero), session.Start);
        Assert.Equal("cs101-2026-11-23-0900", session.Id);
    }

    [Fact]
    public void A_session_nobody_watched_is_not_full_of_absences()
    {
        At(8, 0);
        _recorder.Tick();
        At(11, 0);
        _recorder.Tick();

        var session = Assert.Single(_store.ListSessions());
        Assert.Equal(SessionState.Closed, session.State);
        Assert.False(session.Observed);
        Assert.Empty(_store.RecordsOf(session.Id));
        Assert.Equal(0, _outbox.PendingCount);
    }

    [Fact]
    public void A_record_that_cannot_be_stored_leaves_neither_record_nor_event_and_can_be_retried()
    {
        var disk = new FakeDisk();
        _db.Dispose();
        _db = _temp.Open(path => new FailingStream(File.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), disk));
        (_outbox, _store, _recorder) = Start();
        At(8, 50);
        _recorder.Tick();

        disk.Full = true;
        At(8, 55);
        var error = Assert.Throws<StorageException>(() => _recorder.Record(Seen("s1")));
        Assert.True(error.IsDiskFull);

        disk.Full = false;
        At(8, 56);
        Assert.Equal(AttendanceStatus.Present, Assert.Single(_recorder.Record(Seen("s1"))).Status);
        Assert.Equal(1, Assert.Single(_outbox.PeekPending(10)).Sequence);
        Assert.Single(_store.RecordsOf("cs101-2026-11-23-0900"));
    }

    private DateTimeOffset Now => _temp.Time.GetUtcNow();

    private (LiteOutbox, AttendanceStore, AttendanceRecorder) Start()
    {
        var outbox = new LiteOutbox(_db, new OutboxOptions());
        var store = new AttendanceStore(_db);
        return (outbox, store, new AttendanceRecorder(store, outbox, new PeopleStore(_db), _options, _topics, _temp.Time));
    }

    private void Restart()
    {
        _db.Dispose();
        _db = _temp.Open();
        (_outbox, _store, _recorder) = Start();
    }

    private void At(int hour, int minute, int second = 0)
    {
        var target = Monday.AddHours(hour).AddMinutes(minute).AddSeconds(second);
        _temp.Time.Advance(target - _temp.Time.GetUtcNow());
    }

    private Sighting Seen(string id, string? name = null) =>
        new(Now, id, name ?? new PeopleStore(_db).Find(id)?.Name, 0.9);
}
