using System.Text.Json;
using Siampain.Messaging;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Messaging;

/// <summary>
/// The discovery configs as Home Assistant receives them, checked against the keys its MQTT integration documents
/// for each platform (event.mqtt, sensor.mqtt, binary_sensor.mqtt and the discovery section of mqtt; see docs/mqtt.md).
/// </summary>
public sealed class HomeAssistantDiscoveryTests
{
    private static readonly string[] CommonKeys =
    [
        "name", "unique_id", "state_topic", "value_template", "availability_topic", "payload_available",
        "payload_not_available", "qos", "icon", "entity_category", "device", "origin",
    ];

    private static readonly Dictionary<string, (string[] Allowed, string[] Required)> Platforms = new()
    {
        ["event"] = ([.. CommonKeys, "event_types", "device_class"], ["state_topic", "event_types"]),
        ["sensor"] = ([.. CommonKeys, "device_class", "state_class", "unit_of_measurement"], ["state_topic"]),
        ["binary_sensor"] = ([.. CommonKeys, "device_class", "payload_on", "payload_off"], ["state_topic"]),
    };

    private static readonly string[] DeviceKeys = ["identifiers", "name", "manufacturer", "model", "sw_version"];
    private static readonly string[] OriginKeys = ["name", "sw_version"];

    [Fact]
    public void ConfigsUseOnlyDocumentedKeysAndShareOneDevice()
    {
        var options = new MqttOptions { DeviceId = "door-1", TopicPrefix = "school/siampain" };
        var topics = new MqttTopics(options);

        var configs = HomeAssistantDiscovery.Build(options, topics, "1.2.3");

        Assert.Equal(6, configs.Count);
        var devices = new HashSet<string>();
        var uniqueIds = new HashSet<string>();
        foreach (var (topic, config) in configs)
        {
            var levels = topic.Split('/');
            Assert.Equal(4, levels.Length);
            Assert.Equal("homeassistant", levels[0]);
            Assert.Equal("config", levels[3]);
            Assert.Matches("^[a-zA-Z0-9_-]+$", levels[2]);
            Assert.True(Platforms.TryGetValue(levels[1], out var platform), $"unexpected component {levels[1]}");

            using var json = JsonDocument.Parse(MessagePayloads.Serialize(config));
            var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            Assert.All(keys, k => Assert.Contains(k, platform.Allowed));
            Assert.All(platform.Required, k => Assert.Contains(k, keys));
            Assert.Equal(levels[2], json.RootElement.GetProperty("unique_id").GetString());
            Assert.True(uniqueIds.Add(levels[2]), "unique_id repeated");

            var device = json.RootElement.GetProperty("device");
            Assert.All(device.EnumerateObject(), p => Assert.Contains(p.Name, DeviceKeys));
            Assert.Equal("siampain_door-1", device.GetProperty("identifiers")[0].GetString());
            devices.Add(device.GetRawText());
            Assert.All(json.RootElement.GetProperty("origin").EnumerateObject(), p => Assert.Contains(p.Name, OriginKeys));
        }

        Assert.Single(devices);
        var attendance = configs.Single(c => c.Topic.StartsWith("homeassistant/event/", StringComparison.Ordinal)).Config;
        Assert.Equal(["present", "late", "exit", "returned", "left_early", "absent", "unknown", "not_on_roster"], attendance.EventTypes!);
        Assert.Equal(topics.Events, attendance.StateTopic);
        var connectivity = configs.Single(c => c.Config.DeviceClass == "connectivity").Config;
        Assert.Equal((topics.Availability, "online", "offline"), (connectivity.StateTopic, connectivity.PayloadOn, connectivity.PayloadOff));
        Assert.Null(connectivity.AvailabilityTopic);
    }

    [Fact]
    public async Task ConfigsAreRetainedAndRepublishedWhenHomeAssistantComesOnline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var terminal = await RunningPublisher.StartAsync(RunningPublisher.OptionsFor(broker.Port));
        await terminal.WaitUntilAsync(h => h.Connected, "the connection");

        // The terminal reports itself connected before it publishes the configs and then the status; once the status
        // is out, the broker holds them all.
        await using (var watcher = await MqttProbe.ConnectAsync(broker.Port, "watcher", terminal.Topics.Status))
        {
            await watcher.WaitUntilAsync(r => r.Count > 0, "the first status");
        }

        // Home Assistant starting later: it finds the configs as retained messages.
        await using var homeAssistant = await MqttProbe.ConnectAsync(broker.Port, "home-assistant", "homeassistant/+/+/config", terminal.Topics.Status);
        await homeAssistant.WaitUntilAsync(r => Configs(r).Count == 6 && r.Any(m => m.Topic == terminal.Topics.Status), "six retained configs and the status");
        Assert.All(Configs(homeAssistant.Received), m => Assert.True(m.Retain));
        var status = JsonDocument.Parse(homeAssistant.On(terminal.Topics.Status)[0].Payload).RootElement;
        Assert.True(homeAssistant.On(terminal.Topics.Status)[0].Retain);
        Assert.Equal(0, status.GetProperty("outbox_backlog").GetInt64());
        Assert.Equal(StatusBoard.SoftwareVersion, status.GetProperty("version").GetString());

        // Anything but online/offline there is ignored with a log line and changes nothing.
        await homeAssistant.PublishAsync("homeassistant/status", "{\"not\": \"a birth message\"}");
        await terminal.WaitUntilAsync(_ => terminal.Logger.Entries.Any(e => e.EventId.Id == 4013), "the odd message to be ignored");
        Assert.Equal(6, Configs(homeAssistant.Received).Count);
        Assert.True(terminal.Publisher.Health.Connected);

        // Its birth message: the terminal sends every config again (received live, so without the retain flag).
        await homeAssistant.PublishAsync("homeassistant/status", "online");
        await homeAssistant.WaitUntilAsync(r => Configs(r).Count == 12, "the configs again", publisher: terminal);
        Assert.Equal(
            Configs(homeAssistant.Received).Take(6).Select(m => (m.Topic, m.Payload)).Order(),
            Configs(homeAssistant.Received).Skip(6).Select(m => (m.Topic, m.Payload)).Order());
        Assert.Contains(terminal.Logger.Entries, e => e.EventId.Id == 4010);
    }

    [Fact]
    public async Task StatusFollowsTheBoard()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var terminal = await RunningPublisher.StartAsync(RunningPublisher.OptionsFor(broker.Port));
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", terminal.Topics.Status);
        await terminal.WaitUntilAsync(h => h.Connected, "the connection");

        terminal.Board.Update(f => f with { Model = "mobilefacenet-int8", Fps = 14.5, LastPerson = "student-7", PeoplePresent = 12, OutboxAlarm = true });

        await dashboard.WaitUntilAsync(r => r.Any(m => m.Payload.Contains("student-7", StringComparison.Ordinal)), "the updated status");
        var status = JsonDocument.Parse(dashboard.Received.Last(m => m.Payload.Contains("student-7", StringComparison.Ordinal)).Payload).RootElement;
        Assert.Equal("mobilefacenet-int8", status.GetProperty("model").GetString());
        Assert.Equal(14.5, status.GetProperty("fps").GetDouble());
        Assert.Equal(12, status.GetProperty("people_present").GetInt32());
        Assert.True(status.GetProperty("outbox_alarm").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("last_error").ValueKind);
    }

    private static List<ProbeMessage> Configs(IReadOnlyList<ProbeMessage> received) =>
        [.. received.Where(m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal) && m.Topic.EndsWith("/config", StringComparison.Ordinal))];
}
