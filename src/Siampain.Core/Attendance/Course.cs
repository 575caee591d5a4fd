namespace Siampain.Attendance;

/// <summary>A course: when it meets (weekly), where, who belongs to it, and how late counts as late.</summary>
public sealed class Course
{
    public const int DefaultLateGraceMinutes = 10;
    public const int MaxLateGraceMinutes = 240;

    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public List<ScheduleSlot> Schedule { get; set; } = [];

    /// <summary>Person ids expected in every session.</summary>
    public List<string> Roster { get; set; } = [];

    /// <summary>Minutes after the start during which a first sighting still counts as present, not late.</summary>
    public int LateGraceMinutes { get; set; } = DefaultLateGraceMinutes;
}

/// <summary>One weekly meeting, in the terminal's local time.</summary>
public sealed class ScheduleSlot
{
    public DayOfWeek Day { get; set; }

    public TimeOnly Start { get; set; }

    public TimeOnly End { get; set; }

    /// <summary>Room or door; a terminal configured for a room only runs the slots of that room (empty: any).</summary>
    public string Room { get; set; } = "";
}
