namespace Siampain.Attendance;

public enum SessionState
{
    Scheduled,
    Open,
    Closed,
}

/// <summary>One meeting of a course on one date.</summary>
public sealed class Session
{
    /// <summary>"course-yyyy-MM-dd-HHmm": stable, readable, and unique per slot.</summary>
    public string Id { get; set; } = "";

    public string CourseId { get; set; } = "";

    public DateOnly Date { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    public string Room { get; set; } = "";

    public SessionState State { get; set; }

    /// <summary>
    /// False when the terminal did not watch the session from its start (it was off then, or throughout): people may
    /// have come in unseen, so nobody is marked absent.
    /// </summary>
    public bool Observed { get; set; } = true;

    public static string MakeId(string courseId, DateOnly date, TimeOnly start) =>
        FormattableString.Invariant($"{courseId}-{date:yyyy-MM-dd}-{start:HHmm}");
}
