using System.Text.Json.Serialization;

namespace Siampain.Attendance;

/// <summary>The payload of one attendance event on "{prefix}/{device}/attendance" (documented in docs/attendance.md).</summary>
public sealed record AttendanceEventPayload(
    string Type,
    string EventId,
    long Seq,
    DateTimeOffset Time,
    string DeviceId,
    string Course,
    string Session,
    string? PersonId,
    string? PersonName,
    AttendanceStatus Status,
    double? Confidence);

/// <summary>The payload sent when a session ends, on "{prefix}/{device}/session".</summary>
public sealed record SessionSummaryPayload(
    string Type,
    string EventId,
    long Seq,
    DateTimeOffset Time,
    string DeviceId,
    string Course,
    string CourseName,
    string Session,
    DateTimeOffset Start,
    DateTimeOffset End,
    int RosterSize,
    SessionCounts Counts);

/// <summary>Final counts of a session; each roster member is in exactly one of present, late, left_early, absent.</summary>
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
    WriteIndented = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AttendanceEventPayload))]
[JsonSerializable(typeof(SessionSummaryPayload))]
[JsonSerializable(typeof(CourseFileDto))]
internal sealed partial class AttendanceJsonContext : JsonSerializerContext;
