using System.Text.Json;
using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

/// <summary>The wire format consumers rely on: exact key names, nulls kept, ISO 8601 times.</summary>
public sealed class PayloadTests
{
    [Fact]
    public void AttendanceEventHasTheDocumentedKeys()
    {
        var value = new AttendanceEvent
        {
            EventId = "0b7c6c1e8a3a4f7f9a1f2d3c4b5a6978",
            Seq = 42,
            Time = new DateTimeOffset(2026, 11, 24, 8, 3, 12, TimeSpan.Zero),
            Device = "door-1",
            Course = "CS101",
            Session = "CS101-2026-11-24-0800",
            Person = null,
            Status = AttendanceStatuses.Unknown,
            Confidence = 0.41,
        };

        using var json = JsonDocument.Parse(MessagePayloads.Serialize(value));

        Assert.Equal(
            ["event_id", "seq", "time", "device", "course", "session", "person", "status", "confidence"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("person").ValueKind);
        Assert.Equal("2026-11-24T08:03:12+00:00", json.RootElement.GetProperty("time").GetString());
    }

    [Fact]
    public void SessionSummaryHasTheDocumentedKeys()
    {
        var value = new SessionSummary
        {
            EventId = "e1",
            Seq = 43,
            Device = "door-1",
            Course = "CS101",
            Session = "CS101-2026-11-24-0800",
            Start = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero),
            End = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero),
            Expected = 30,
            Present = 25,
            Late = 3,
        };

        using var json = JsonDocument.Parse(MessagePayloads.Serialize(value));

        Assert.Equal(
            ["event_id", "seq", "device", "course", "session", "start", "end", "expected", "present", "late", "left_early", "absent", "unknown_faces", "not_on_roster"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
