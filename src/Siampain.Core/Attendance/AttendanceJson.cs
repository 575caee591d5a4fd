using System.Text.Json.Serialization;

namespace Siampain.Attendance;

/// <summary>
/// Counts of a session. Present counts everyone on the roster who checked in (on time or late, including those who
/// later left early); Late, LeftEarly and Returned are subsets of it; Absent is the rest of the roster.
/// </summary>
public sealed record SessionCounts(int Present, int Late, int LeftEarly, int Absent, int Returned, int NotOnRoster, int Unknown);

/// <summary>A course file as written by hand: all values are strings so a mistake can be named precisely.</summary>
internal sealed class CourseFileDto
{
    public List<CourseDto>? Courses { get; set; }
}

internal sealed class CourseDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public int? LateGraceMinutes { get; set; }

    public List<SlotDto>? Schedule { get; set; }

    public List<string>? Roster { get; set; }
}

internal sealed class SlotDto
{
    public string? Day { get; set; }

    public string? Start { get; set; }

    public string? End { get; set; }

    public string? Room { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CourseFileDto))]
internal sealed partial class AttendanceJsonContext : JsonSerializerContext;
