using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Messaging;
using Siampain.Storage;

namespace Siampain.Attendance;

/// <summary>
/// Runs the attendance rules against the course schedule and keeps their results: sessions open and close by the
/// clock (<see cref="Tick"/>), sightings become records (<see cref="Record"/>), and every record is stored together
/// with its outbox event in one durable transaction before the call returns (so before the door signal).
/// State lives in the database: a new recorder continues the open sessions where the last one stopped.
/// </summary>
public sealed class AttendanceRecorder
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SessionTracker> _open = new(StringComparer.Ordinal);
    private readonly AttendanceStore _store;
    private readonly LiteOutbox _outbox;
    private readonly PeopleStore _people;
    private readonly AttendanceOptions _options;
    private readonly MqttTopics _topics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="topics">Where events go and the device id they carry (the messaging side owns the layout).</param>
    public AttendanceRecorder(AttendanceStore store, LiteOutbox outbox, PeopleStore people, AttendanceOptions options, MqttTopics topics,
        TimeProvider time, ILogger<AttendanceRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _topics = topics;
        _outbox = outbox;
        _people = people;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        foreach (var session in store.SessionsInState(SessionState.Open))
        {
            if (Resume(session) is { } tracker)
            {
                _open[session.Id] = tracker;
            }
        }
    }

    /// <summary>The sessions now running, earliest start first.</summary>
    public IReadOnlyList<Session> OpenSessions
    {
        get
        {
            lock (_lock)
            {
                return _open.Values.Select(t => t.Session).OrderBy(s => s.Start).ToList();
            }
        }
    }

    /// <summary>Opens and closes sessions for the current time; call it every few seconds.</summary>
    public void Tick()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var tracker in _open.Values.Where(t => t.Session.End <= now).ToList())
            {
                CloseSession(tracker);
            }

            foreach (var session in _store.SessionsInState(SessionState.Scheduled).Where(s => s.End <= now))
            {
                Log.SessionMissed(_logger, session.Id);
                session.State = SessionState.Closed;
                session.Observed = false;
                _store.Database.Write(() => _store.Sessions.Update(session));
            }

            var openFrom = TimeSpan.FromMinutes(_options.OpenBeforeMinutes);
            foreach (var session in PlannedSessions(now).Where(s => s.End > now))
            {
                var stored = _store.FindSession(session.Id);
                if (stored is null)
                {
                    _store.Database.Write(() => _store.Sessions.Insert(session));
                    stored = session;
                }

                if (stored.State == SessionState.Scheduled && now >= stored.Start - openFrom)
                {
                    OpenSession(stored);
                }
            }
        }
    }

    /// <summary>
    /// Applies one sighting to the running sessions and stores what it changed. Returns the records written
    /// (empty when the sighting changes nothing or no session is running). A missing name is looked up.
    /// </summary>
    /// <exception cref="StorageException">The records could not be stored; nothing was half-written.</exception>
    public IReadOnlyList<AttendanceRecord> Record(Sighting sighting)
    {
        if (sighting.PersonId is { } person && sighting.PersonName is null)
        {
            sighting = sighting with { PersonName = _people.Find(person)?.Name };
        }

        lock (_lock)
        {
            Tick();
            var running = _open.Values.Where(t => sighting.Time < t.Session.End).OrderBy(t => t.Session.Start).ToList();
            if (running.Count == 0)
            {
                Log.NoSession(_logger, sighting.Time);
                return [];
            }

            // Two courses may share the door at once: a student counts in every session that lists them; anybody else
            // (a stranger, someone on no roster) is recorded once, in the earliest session.
            var targets = sighting.PersonId is { } id && running.Where(t => t.IsOnRoster(id)).ToList() is { Count: > 0 } mine
                ? mine
                : running.Take(1).ToList();
            var written = new List<AttendanceRecord>();
            foreach (var tracker in targets)
            {
                if (tracker.Observe(sighting) is { } decision)
                {
                    written.AddRange(Persist(tracker, [decision], closing: false));
                }
            }

            return written;
        }
    }

    private IEnumerable<Session> PlannedSessions(DateTimeOffset now)
    {
        var zone = _time.LocalTimeZone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

        // Tomorrow too: a slot just after midnight opens before it.
        foreach (var date in new[] { today, today.AddDays(1) })
        {
            foreach (var course in _store.ListCourses())
            {
                foreach (var slot in course.Schedule.Where(s => s.Day == date.DayOfWeek && RoomMatches(s.Room)))
                {
                    yield return new Session
                    {
                        Id = Session.MakeId(course.Id, date, slot.Start),
                        CourseId = course.Id,
                        Date = date,
                        Start = AtLocal(date, slot.Start, zone),
                        End = AtLocal(date, slot.End, zone),
                        Room = slot.Room,
                        State = SessionState.Scheduled,
                    };
                }
            }
        }
    }

    private bool RoomMatches(string room) =>
        _options.Room.Length == 0 || room.Length == 0 || string.Equals(room, _options.Room, StringComparison.OrdinalIgnoreCase);

    private static DateTimeOffset AtLocal(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private void OpenSession(Session session)
    {
        if (_store.FindCourse(session.CourseId) is not { } course)
        {
            return;
        }

        // Coming up after the grace ended means arrivals were missed; the session still records what it sees.
        session.State = SessionState.Open;
        session.Observed = _time.GetUtcNow() <= session.Start.AddMinutes(course.LateGraceMinutes);
        _store.Database.Write(() => _store.Sessions.Update(session));
        _open[session.Id] = NewTracker(session, course);
        Log.SessionOpened(_logger, session.Id, session.Start, session.End);
    }

    private void CloseSession(SessionTracker tracker)
    {
        var names = _people.List().ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
        var decisions = tracker.Close(names);
        Persist(tracker, decisions, closing: true);
        _open.Remove(tracker.Session.Id);
        var counts = tracker.Summarize();
        Log.SessionClosed(_logger, tracker.Session.Id, counts.Present, counts.Late, counts.LeftEarly, counts.Absent);
    }

    private SessionTracker? Resume(Session session)
    {
        if (_store.FindCourse(session.CourseId) is not { } course)
        {
            // Without its course there is no roster to close against; keep what was recorded and stop.
            Log.CourseMissing(_logger, session.CourseId, session.Id);
            session.State = SessionState.Closed;
            _store.Database.Write(() => _store.Sessions.Update(session));
            return null;
        }

        var tracker = NewTracker(session, course);
        var records = _store.RecordsOf(session.Id);
        foreach (var record in records)
        {
            tracker.Apply(record);
        }

        Log.SessionResumed(_logger, session.Id, records.Count);
        return tracker;
    }

    private SessionTracker NewTracker(Session session, Course course) =>
        new(session, course, TimeSpan.FromSeconds(_options.MinimumGapSeconds), TimeSpan.FromSeconds(_options.UnknownGapSeconds));

    private List<AttendanceRecord> Persist(SessionTracker tracker, IReadOnlyList<AttendanceDecision> decisions, bool closing)
    {
        var session = tracker.Session;
        try
        {
            return _store.Database.Write(() =>
            {
                var records = new List<AttendanceRecord>();
                foreach (var decision in decisions)
                {
                    var record = new AttendanceRecord
                    {
                        SessionId = session.Id,
                        CourseId = session.CourseId,
                        PersonId = decision.PersonId,
                        PersonName = decision.PersonName,
                        Status = decision.Status,
                        Time = decision.Time.ToUniversalTime(),
                        Confidence = decision.Confidence,
                    };
                    _outbox.Enqueue(_topics.Events, envelope =>
                    {
                        record.Sequence = envelope.Sequence;
                        record.EventId = envelope.EventId;
                        return MessagePayloads.Serialize(new AttendanceEvent
                        {
                            EventId = envelope.EventId,
                            Seq = envelope.Sequence,
                            Time = record.Time,
                            Device = _topics.DeviceId,
                            Course = session.CourseId,
                            Session = session.Id,
                            Person = record.PersonId,
                            Status = record.Status.ToWire(),
                            Confidence = record.Confidence,
                        });
                    });
                    _store.Records.Insert(record);
                    records.Add(record);
                    Log.Recorded(_logger, session.Id, record.PersonId, record.Status);
                }

                if (closing)
                {
                    session.State = SessionState.Closed;
                    _store.Sessions.Update(session);
                    var counts = tracker.Summarize();
                    _outbox.Enqueue(_topics.Sessions, envelope => MessagePayloads.Serialize(new SessionSummary
                    {
                        EventId = envelope.EventId,
                        Seq = envelope.Sequence,
                        Device = _topics.DeviceId,
                        Course = session.CourseId,
                        Session = session.Id,
                        Start = session.Start,
                        End = session.End,
                        Expected = tracker.Course.Roster.Count,
                        Present = counts.Present,
                        Late = counts.Late,
                        LeftEarly = counts.LeftEarly,
                        Absent = counts.Absent,
                        UnknownFaces = counts.Unknown,
                        NotOnRoster = counts.NotOnRoster,
                    }));
                }

                return records;
            });
        }
        catch (StorageException)
        {
            // The tracker already moved on; put it back to what the database holds so memory and disk agree.
            session.State = SessionState.Open;
            _open[session.Id] = Resume(session) ?? tracker;
            throw;
        }
    }
}
