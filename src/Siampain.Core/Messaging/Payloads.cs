using System.Text.Json;
using System.Text.Json.Serialization;

namespace Siampain.Messaging;

/// <summary>
/// One attendance decision as published on &lt;root&gt;/events. At-least-once: consumers dedupe on
/// <see cref="EventId"/>; <see cref="Seq"/> is the per-device outbox sequence, gap-free and increasing.
/// </summary>
public sealed record AttendanceEvent
{
    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    [JsonPropertyName("device")]
    public required string Device { get; init; }

    [JsonPropertyName("course")]
    public string? Course { get; init; }

    [JsonPropertyName("session")]
    public string? Session { get; init; }

    /// <summary>The enrolled person's id; null for unknown faces.</summary>
    [JsonPropertyName("person")]
    public string? Person { get; init; }

    /// <summary>One of <see cref="AttendanceStatuses.All"/>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("confidence")]
    public double? Confidence { get; init; }
}

/// <summary>The attendance statuses an event can carry; also the Home Assistant event entity's event_types.</summary>
public static class AttendanceStatuses
{
    public const string Present = "present";
    public const string Late = "late";
    public const string Exit = "exit";
    public const string Returned = "returned";
    public const string LeftEarly = "left_early";
    public const string Absent = "absent";
    public const string Unknown = "unknown";
    public const string NotOnRoster = "not_on_roster";

    public static IReadOnlyList<string> All { get; } = [Present, Late, Exit, Returned, LeftEarly, Absent, Unknown, NotOnRoster];
}

/// <summary>Published on &lt;root&gt;/sessions when a session ends.</summary>
public sealed record SessionSummary
{
    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("device")]
    public required string Device { get; init; }

    [JsonPropertyName("course")]
    public string? Course { get; init; }

    [JsonPropertyName("session")]
    public required string Session { get; init; }

    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")]
    public required DateTimeOffset End { get; init; }

    [JsonPropertyName("expected")]
    public int Expected { get; init; }

    [JsonPropertyName("present")]
    public int Present { get; init; }

    [JsonPropertyName("late")]
    public int Late { get; init; }

    [JsonPropertyName("left_early")]
    public int LeftEarly { get; init; }

    [JsonPropertyName("absent")]
    public int Absent { get; init; }

    [JsonPropertyName("unknown_faces")]
    public int UnknownFaces { get; init; }

    [JsonPropertyName("not_on_roster")]
    public int NotOnRoster { get; init; }
}

/// <summary>The retained status on &lt;root&gt;/status; Home Assistant sensors read their values from it.</summary>
public sealed record TerminalStatus
{
    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("fps")]
    public double? Fps { get; init; }

    [JsonPropertyName("outbox_backlog")]
    public long OutboxBacklog { get; init; }

    /// <summary>The outbox is close to its size or age limit: the storage side raises it; a dashboard should alert.</summary>
    [JsonPropertyName("outbox_alarm")]
    public bool OutboxAlarm { get; init; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; init; }

    [JsonPropertyName("last_person")]
    public string? LastPerson { get; init; }

    [JsonPropertyName("people_present")]
    public int PeoplePresent { get; init; }
}

/// <summary>Serialises the wire payloads; the attendance/storage side calls these when it writes the outbox.</summary>
public static class MessagePayloads
{
    public static byte[] Serialize(AttendanceEvent value) => JsonSerializer.SerializeToUtf8Bytes(value, MessagingJsonContext.Default.AttendanceEvent);

    public static byte[] Serialize(SessionSummary value) => JsonSerializer.SerializeToUtf8Bytes(value, MessagingJsonContext.Default.SessionSummary);

    public static byte[] Serialize(TerminalStatus value) => JsonSerializer.SerializeToUtf8Bytes(value, MessagingJsonContext.Default.TerminalStatus);

    public static byte[] Serialize(DiscoveryConfig value) => JsonSerializer.SerializeToUtf8Bytes(value, DiscoveryJsonContext.Default.DiscoveryConfig);
}

/// <summary>Wire payloads keep null fields, so consumers see one fixed schema.</summary>
[JsonSerializable(typeof(AttendanceEvent))]
[JsonSerializable(typeof(SessionSummary))]
[JsonSerializable(typeof(TerminalStatus))]
internal sealed partial class MessagingJsonContext : JsonSerializerContext;

/// <summary>Discovery configs leave out unset keys, so Home Assistant applies its own defaults.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiscoveryConfig))]
internal sealed partial class DiscoveryJsonContext : JsonSerializerContext;
