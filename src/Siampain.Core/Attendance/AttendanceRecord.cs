using LiteDB;
using Siampain.Messaging;
using Siampain.Pipeline;

namespace Siampain.Attendance;

/// <summary>A state change of one person in one session; the wire names are in <see cref="AttendanceStatuses"/>.</summary>
public enum AttendanceStatus
{
    Present,
    Late,
    Exit,
    Returned,
    LeftEarly,
    Absent,
    Unknown,
    NotOnRoster,
}

/// <summary>What a terminal saw and decided: one face decision from the pipeline, or null id for an unknown face.</summary>
public readonly record struct Sighting(DateTimeOffset Time, string? PersonId, string? PersonName, double Confidence)
{
    public static Sighting Unknown(DateTimeOffset time, double confidence) => new(time, null, null, confidence);

    /// <summary>The pipeline's decision as a sighting; null for an uncertain one, which says nothing about attendance.</summary>
    public static Sighting? From(FaceDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Kind switch
        {
            DecisionKind.Recognised => new Sighting(decision.DecidedAt, decision.PersonId, null, decision.Confidence),
            DecisionKind.Unknown => Unknown(decision.DecidedAt, decision.Confidence),
            _ => null,
        };
    }
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
    /// <summary>The wire and table name of a status, as in the MQTT payloads.</summary>
    public static string ToWire(this AttendanceStatus status) => status switch
    {
        AttendanceStatus.Present => AttendanceStatuses.Present,
        AttendanceStatus.Late => AttendanceStatuses.Late,
        AttendanceStatus.Exit => AttendanceStatuses.Exit,
        AttendanceStatus.Returned => AttendanceStatuses.Returned,
        AttendanceStatus.LeftEarly => AttendanceStatuses.LeftEarly,
        AttendanceStatus.Absent => AttendanceStatuses.Absent,
        AttendanceStatus.Unknown => AttendanceStatuses.Unknown,
        AttendanceStatus.NotOnRoster => AttendanceStatuses.NotOnRoster,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
