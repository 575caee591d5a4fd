using System.Text.Json.Serialization;

namespace Siampain.Messaging;

/// <summary>
/// One Home Assistant MQTT discovery config (single-component form). Only keys documented by Home Assistant's
/// MQTT integration for the event, sensor and binary_sensor platforms are used; docs/mqtt.md lists them.
/// </summary>
public sealed record DiscoveryConfig
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("unique_id")]
    public required string UniqueId { get; init; }

    [JsonPropertyName("state_topic")]
    public required string StateTopic { get; init; }

    [JsonPropertyName("value_template")]
    public string? ValueTemplate { get; init; }

    [JsonPropertyName("event_types")]
    public IReadOnlyList<string>? EventTypes { get; init; }

    [JsonPropertyName("device_class")]
    public string? DeviceClass { get; init; }

    [JsonPropertyName("state_class")]
    public string? StateClass { get; init; }

    [JsonPropertyName("unit_of_measurement")]
    public string? UnitOfMeasurement { get; init; }

    [JsonPropertyName("entity_category")]
    public string? EntityCategory { get; init; }

    [JsonPropertyName("icon")]
    public string? Icon { get; init; }

    [JsonPropertyName("payload_on")]
    public string? PayloadOn { get; init; }

    [JsonPropertyName("payload_off")]
    public string? PayloadOff { get; init; }

    [JsonPropertyName("availability_topic")]
    public string? AvailabilityTopic { get; init; }

    [JsonPropertyName("payload_available")]
    public string? PayloadAvailable { get; init; }

    [JsonPropertyName("payload_not_available")]
    public string? PayloadNotAvailable { get; init; }

    [JsonPropertyName("qos")]
    public int? Qos { get; init; }

    [JsonPropertyName("device")]
    public required DiscoveryDevice Device { get; init; }

    [JsonPropertyName("origin")]
    public required DiscoveryOrigin Origin { get; init; }
}

/// <summary>The device block shared by every entity, so Home Assistant groups them under one device.</summary>
public sealed record DiscoveryDevice(
    [property: JsonPropertyName("identifiers")] IReadOnlyList<string> Identifiers,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("manufacturer")] string Manufacturer,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("sw_version")] string SwVersion);

/// <summary>Which software published the config (Home Assistant logs it with discovery messages).</summary>
public sealed record DiscoveryOrigin(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sw_version")] string SwVersion);

/// <summary>Builds the retained discovery configs: attendance event entity, three sensors, two binary sensors.</summary>
public static class HomeAssistantDiscovery
{
    public const string Online = "online";
    public const string Offline = "offline";

    /// <summary>(topic, config) for every entity this terminal exposes.</summary>
    public static IReadOnlyList<(string Topic, DiscoveryConfig Config)> Build(MqttOptions options, MqttTopics topics, string version)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        var idBase = $"siampain_{options.DeviceId}";
        var device = new DiscoveryDevice([idBase], options.EffectiveDeviceName, "Siampain", "Siampain attendance terminal", version);
        var origin = new DiscoveryOrigin("siampain", version);

        DiscoveryConfig Entity(string objectId, string name, string stateTopic) => new()
        {
            Name = name,
            UniqueId = $"{idBase}_{objectId}",
            StateTopic = stateTopic,
            AvailabilityTopic = topics.Availability,
            PayloadAvailable = Online,
            PayloadNotAvailable = Offline,
            Qos = 1,
            Device = device,
            Origin = origin,
        };

        var configs = new (string Component, DiscoveryConfig Config)[]
        {
            ("event", Entity("attendance", "Attendance", topics.Events) with
            {
                EventTypes = AttendanceStatuses.All,
                // HA's event entity wants an "event_type" key; the wire payload calls it "status", and the
                // other fields become the event's attributes.
                ValueTemplate = "{{ {'event_type': value_json.status, 'person': value_json.person, 'course': value_json.course, " +
                    "'session': value_json.session, 'confidence': value_json.confidence, 'event_id': value_json.event_id, " +
                    "'seq': value_json.seq, 'time': value_json.time} | tojson }}",
                Icon = "mdi:account-check",
            }),
            ("sensor", Entity("last_person", "Last person", topics.Status) with
            {
                ValueTemplate = "{{ value_json.last_person if value_json.last_person is not none else '' }}",
                Icon = "mdi:account",
            }),
            ("sensor", Entity("people_present", "People present", topics.Status) with
            {
                ValueTemplate = "{{ value_json.people_present }}",
                StateClass = "measurement",
                Icon = "mdi:account-group",
            }),
            ("sensor", Entity("outbox_backlog", "Outbox backlog", topics.Status) with
            {
                ValueTemplate = "{{ value_json.outbox_backlog }}",
                StateClass = "measurement",
                UnitOfMeasurement = "events",
                EntityCategory = "diagnostic",
                Icon = "mdi:tray-full",
            }),
            ("binary_sensor", Entity("outbox_alarm", "Outbox near limit", topics.Status) with
            {
                ValueTemplate = "{{ 'ON' if value_json.outbox_alarm else 'OFF' }}",
                DeviceClass = "problem",
                EntityCategory = "diagnostic",
            }),
            // Connectivity reads the availability topic itself, so it has no availability of its own: when the
            // terminal drops, this entity must show "disconnected", not "unavailable".
            ("binary_sensor", Entity("connectivity", "Connectivity", topics.Availability) with
            {
                PayloadOn = Online,
                PayloadOff = Offline,
                DeviceClass = "connectivity",
                EntityCategory = "diagnostic",
                AvailabilityTopic = null,
                PayloadAvailable = null,
                PayloadNotAvailable = null,
            }),
        };

        return [.. configs.Select(c => (topics.DiscoveryConfig(c.Component, c.Config.UniqueId), c.Config))];
    }
}
