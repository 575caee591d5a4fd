using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Attendance;
using Siampain.Messaging;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Storage;

/// <summary>The whole chain on real parts: recorder -> LiteDB outbox -> MQTT publisher -> a real mosquitto.</summary>
[SupportedOSPlatform("linux")]
public sealed class OutboxRelayTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Attendance_recorded_while_the_broker_is_down_arrives_in_order_and_leaves_the_outbox_empty()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Persistence = true });
        var db = _temp.Open();
        using var outbox = new LiteOutbox(db, new OutboxOptions());
        var options = RunningPublisher.OptionsFor(broker.Port);
        using var publisher = new MqttPublisher(outbox, Microsoft.Extensions.Options.Options.Create(options), new StatusBoard(), TimeProvider.System,
            NullLogger<MqttPublisher>.Instance);
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", publisher.Topics.Events, publisher.Topics.Sessions);
        await publisher.StartAsync(CancellationToken.None);
        await WaitUntil(() => publisher.Health.Connected, "the first connection");

        await broker.StopAsync();
        await WaitUntil(() => !publisher.Health.Connected, "the publisher to notice the outage");

        var roster = Enumerable.Range(0, 120).Select(i => $"s{i:D3}").ToList();
        var people = new PeopleStore(db);
        var store = new AttendanceStore(db);
        store.SaveCourses([new Course
        {
            Id = "cs101",
            Name = "Intro",
            Roster = roster,
            Schedule = [new ScheduleSlot { Day = DayOfWeek.Monday, Start = new TimeOnly(9, 0), End = new TimeOnly(10, 30) }],
        }]);
        var recorder = new AttendanceRecorder(store, outbox, people, new AttendanceOptions(), publisher.Topics, _temp.Time);
        var start = new DateTimeOffset(2026, 11, 23, 8, 50, 0, TimeSpan.Zero);
        _temp.Time.Advance(start - _temp.Time.GetUtcNow());
        foreach (var id in roster)
        {
            _temp.Time.Advance(TimeSpan.FromSeconds(5));
            recorder.Record(new Sighting(_temp.Time.GetUtcNow(), id, id, 0.9));
        }

        _temp.Time.Advance(new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.Zero) - _temp.Time.GetUtcNow());
        recorder.Tick();
        Assert.Equal(roster.Count + 1, outbox.PendingCount);

        await broker.RestartAsync();

        await dashboard.WaitUntilAsync(r => r.Any(m => m.Topic == publisher.Topics.Sessions), "the session summary");
        var events = dashboard.On(publisher.Topics.Events).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        var seqs = events.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, roster.Count).Select(i => (long)i), seqs.Distinct());
        Assert.Equal(seqs.Order(), seqs);
        Assert.All(events, e => Assert.Equal("present", e.GetProperty("status").GetString()));
        using var summary = JsonDocument.Parse(dashboard.On(publisher.Topics.Sessions)[^1].Payload);
        Assert.Equal(roster.Count + 1, summary.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(roster.Count, summary.RootElement.GetProperty("present").GetInt32());

        await WaitUntil(() => outbox.PendingCount == 0, "the outbox to drain");
        await WaitUntil(() => db.Collection<OutboxDocument>(LiteOutbox.CollectionName).Count() == 0, "the sent events to leave the database");
        await publisher.StopAsync(CancellationToken.None);
    }

    private static async Task WaitUntil(Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Gave up waiting for {what}");
            await Task.Delay(20);
        }
    }
}
