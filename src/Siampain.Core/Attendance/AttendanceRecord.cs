using System.Text.Json.Serialization;
using LiteDB;

namespace Siampain.Attendance;

[JsonConverter(typeof(JsonStringEnumConverter<AttendanceStatus>))]
public enum AttendanceStatus
{
    [JsonStringEnumMemberName("present")]
    Present,
    [JsonStringEnumMemberName("late")]
    Late,
    [JsonStringEnumMemberName("exit")]
    Exit,
    [JsonStringEnumMemberName("returned")]
    Returned,
    [JsonStringEnumMemberName("left_early")]
    LeftEarly,
    [JsonStringEnumMemberName("absent")]
    Absent,
    [JsonStringEnumMemberName("unknown")]
    Unknown,
    [JsonStringEnumMemberName("not_on_roster")]
    NotOnRoster,
}

/// <summary>What a terminal saw and decided: one face decision from the pipeline, or null id for an unknown face.</summary>
public readonly record struct Sighting(DateTimeOffset Time, string? PersonId, string? PersonName, double Confidence)
{
    public static Sighting Unknown(DateTimeOffset time, double confidence) => new(time, null, null, confidence);
}

/// <summary>One state change in a session, as stored and as sent (with its outbox sequence and event id).</summary>
public sealed class AttendanceRecord
{
    public ObjectId? Id { get; set; }

    public string SessionId { get; set; } = "";

    public string CourseId { get; set; } = "";

    public string? PersonId { get; set; }

    public string? PersonName { get; set; }

    public AttendanceStatus Status { get; set; }

    public DateTimeOffset Time { get; set; }

    /// <summary>Recognition confidence of the sighting; null for decisions made at the end (absent, left early).</summary>
    public double? Confidence { get; set; }

    public long Sequence { get; set; }

    public string EventId { get; set; } = "";
}

public static class AttendanceStatusNames
{
    /// <summary>The wire and table name of a status (snake_case, as in the MQTT payloads).</summary>
    public static string ToWire(this AttendanceStatus status) => status switch
    {
        AttendanceStatus.Present => "present",
        AttendanceStatus.Late => "late",
        AttendanceStatus.Exit => "exit",
        AttendanceStatus.Returned => "returned",
        AttendanceStatus.LeftEarly => "left_early",
        AttendanceStatus.Absent => "absent",
        AttendanceStatus.Unknown => "unknown",
        AttendanceStatus.NotOnRoster => "not_on_roster",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
