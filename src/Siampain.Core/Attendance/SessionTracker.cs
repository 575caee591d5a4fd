namespace Siampain.Attendance;

/// <summary>A state change the rules decided on; the recorder stores it and sends it.</summary>
public readonly record struct AttendanceDecision(AttendanceStatus Status, string? PersonId, string? PersonName, DateTimeOffset Time, double? Confidence);

/// <summary>
/// The attendance rules for one running session, without storage or clocks: sightings in, decisions out.
/// Its whole state can be rebuilt from the decisions already stored (<see cref="Apply"/>), which is how a restart
/// continues a session exactly where it stopped.
/// </summary>
public sealed class SessionTracker
{
    private readonly Dictionary<string, PersonState> _people = new(StringComparer.Ordinal);
    private readonly HashSet<string> _roster;
    private readonly TimeSpan _minimumGap;
    private readonly TimeSpan _unknownGap;
    private readonly HashSet<string> _absent = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastUnknown;
    private int _unknownRecords;

    public SessionTracker(Session session, Course course, TimeSpan minimumGap, TimeSpan unknownGap)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(course);
        Session = session;
        Course = course;
        _roster = new HashSet<string>(course.Roster, StringComparer.Ordinal);
        _minimumGap = minimumGap;
        _unknownGap = unknownGap;
    }

    public Session Session { get; }

    public Course Course { get; }

    public DateTimeOffset LateAfter => Session.Start.AddMinutes(Course.LateGraceMinutes);

    public bool IsOnRoster(string personId) => _roster.Contains(personId);

    /// <summary>The decision for one sighting, or null when it changes nothing (too soon after the previous one).</summary>
    public AttendanceDecision? Observe(Sighting sighting)
    {
        if (sighting.PersonId is not { } id)
        {
            return ObserveUnknown(sighting);
        }

        if (_people.TryGetValue(id, out var state))
        {
            // Someone standing at the door is seen again and again; only a sighting after a real gap is a new
            // passage through the door. Every sighting restarts the gap, so standing for minutes is one passage.
            var sinceLast = sighting.Time - state.LastSeen;
            state.LastSeen = sighting.Time;
            if (sinceLast < _minimumGap || !_roster.Contains(id))
            {
                return null;
            }

            var next = state.Status == AttendanceStatus.Exit ? AttendanceStatus.Returned : AttendanceStatus.Exit;
            state.Change(next);
            return Decide(next, sighting);
        }

        var status = !_roster.Contains(id) ? AttendanceStatus.NotOnRoster
            : sighting.Time > LateAfter ? AttendanceStatus.Late
            : AttendanceStatus.Present;
        _people[id] = new PersonState(status, sighting.Time);
        return Decide(status, sighting);
    }

    /// <summary>The decisions at the end: who left and did not come back, and who never came (if the start was watched).</summary>
    public IReadOnlyList<AttendanceDecision> Close(IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var decisions = new List<AttendanceDecision>();
        foreach (var id in Course.Roster)
        {
            var name = names.GetValueOrDefault(id);
            if (!_people.TryGetValue(id, out var state))
            {
                if (!Session.Observed)
                {
                    continue;
                }

                _absent.Add(id);
                decisions.Add(new AttendanceDecision(AttendanceStatus.Absent, id, name, Session.End, null));
            }
            else if (state.Status == AttendanceStatus.Exit)
            {
                state.Change(AttendanceStatus.LeftEarly);
                decisions.Add(new AttendanceDecision(AttendanceStatus.LeftEarly, id, name, Session.End, null));
            }
        }

        return decisions;
    }

    /// <summary>Replays a stored decision, in the order they were made, to rebuild the state after a restart.</summary>
    public void Apply(AttendanceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.PersonId is not { } id)
        {
            _lastUnknown = record.Time;
            _unknownRecords++;
            return;
        }

        if (_people.TryGetValue(id, out var state))
        {
            state.Change(record.Status);
            if (record.Status is not (AttendanceStatus.LeftEarly or AttendanceStatus.Absent))
            {
                state.LastSeen = record.Time;
            }
        }
        else if (record.Status == AttendanceStatus.Absent)
        {
            _absent.Add(id);
        }
        else
        {
            _people[id] = new PersonState(record.Status, record.Time);
        }
    }

    /// <summary>The session's counts so far (see <see cref="SessionCounts"/>); absences are known after <see cref="Close"/>.</summary>
    public SessionCounts Summarize()
    {
        int present = 0, late = 0, leftEarly = 0, returned = 0, notOnRoster = 0;
        foreach (var (id, state) in _people)
        {
            if (!_roster.Contains(id))
            {
                notOnRoster++;
                continue;
            }

            present++;
            late += state.First == AttendanceStatus.Late ? 1 : 0;
            leftEarly += state.Status == AttendanceStatus.LeftEarly ? 1 : 0;
            returned += state.Returned ? 1 : 0;
        }

        return new SessionCounts(present, late, leftEarly, _absent.Count, returned, notOnRoster, _unknownRecords);
    }

    /// <summary>Each person's latest status (absent ones only after <see cref="Close"/>).</summary>
    public IReadOnlyDictionary<string, AttendanceStatus> Statuses => _people.ToDictionary(p => p.Key, p => p.Value.Status, StringComparer.Ordinal);

    private AttendanceDecision? ObserveUnknown(Sighting sighting)
    {
        // A stranger waiting at the door yields a stream of "unknown" decisions; one record per quiet gap is enough.
        var previous = _lastUnknown;
        _lastUnknown = sighting.Time;
        if (previous is { } p && sighting.Time - p < _unknownGap)
        {
            return null;
        }

        _unknownRecords++;
        return Decide(AttendanceStatus.Unknown, sighting);
    }

    private static AttendanceDecision Decide(AttendanceStatus status, Sighting sighting) =>
        new(status, sighting.PersonId, sighting.PersonName, sighting.Time, sighting.Confidence);

    private sealed class PersonState(AttendanceStatus first, DateTimeOffset lastSeen)
    {
        public AttendanceStatus First { get; } = first;

        public AttendanceStatus Status { get; private set; } = first;

        public bool Returned { get; private set; }

        public DateTimeOffset LastSeen { get; set; } = lastSeen;

        public void Change(AttendanceStatus status)
        {
            Status = status;
            Returned |= status == AttendanceStatus.Returned;
        }
    }
}
