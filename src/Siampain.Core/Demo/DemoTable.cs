using Siampain.Attendance;

namespace Siampain.Demo;

/// <summary>One person's line: the records the clip should cause and the records the terminal stored.</summary>
public sealed record DemoTableRow(string PersonId, string Name, DemoRole Role, IReadOnlyList<AttendanceStatus> Expected, IReadOnlyList<AttendanceStatus> Actual)
{
    public bool Matches => Expected.SequenceEqual(Actual);

    public string ExpectedStatus => DemoTable.Summary(Expected);

    public string ActualStatus => DemoTable.Summary(Actual);
}

/// <summary>The session's attendance as stored, next to the scenario's ground truth.</summary>
public sealed record DemoTable(IReadOnlyList<DemoTableRow> Rows, int ExpectedUnknown, int ActualUnknown, IReadOnlyList<string> Unexpected)
{
    /// <summary>True when every person's records and the number of unknown faces are exactly as the scenario says.</summary>
    public bool Matches => Rows.All(r => r.Matches) && ExpectedUnknown == ActualUnknown && Unexpected.Count == 0;

    /// <summary>Compares the records of the scenario's session in <paramref name="store"/> with its ground truth.</summary>
    public static DemoTable Compare(DemoScenario scenario, AttendanceStore store)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(store);
        var records = store.RecordsOf(scenario.SessionId);
        var byPerson = records.Where(r => r.PersonId is not null).ToLookup(r => r.PersonId!, StringComparer.Ordinal);
        var expected = scenario.Expected;
        var rows = scenario.Enrolled
            .Select(p => new DemoTableRow(p.Id, p.Name, scenario.Roles[p.Id], expected[p.Id], [.. byPerson[p.Id].Select(r => r.Status)]))
            .ToList();

        // Records for anybody the scenario did not enrol (a stranger mistaken for someone, say) are errors too.
        var unexpected = byPerson.Where(g => !expected.ContainsKey(g.Key))
            .Select(g => $"{g.Key}: {string.Join(" → ", g.Select(r => r.Status.ToWire()))}")
            .ToList();
        return new DemoTable(rows, scenario.ExpectedUnknown, records.Count(r => r.PersonId is null), unexpected);
    }

    /// <summary>The one word a teacher wants: present, late, left early, absent, not on roster (returned shown too).</summary>
    public static string Summary(IReadOnlyList<AttendanceStatus> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return "(nothing)";
        }

        if (records.Contains(AttendanceStatus.Absent))
        {
            return "absent";
        }

        if (records.Contains(AttendanceStatus.NotOnRoster))
        {
            return "not on roster";
        }

        var first = records[0] == AttendanceStatus.Late ? "late" : "present";
        return records.Contains(AttendanceStatus.LeftEarly) ? $"{first}, left early"
            : records.Contains(AttendanceStatus.Returned) ? $"{first}, out and back"
            : first;
    }
}
