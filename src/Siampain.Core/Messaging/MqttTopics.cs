namespace Siampain.Messaging;

/// <summary>Every topic this terminal uses, derived once from validated options.</summary>
public sealed class MqttTopics
{
    public MqttTopics(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DeviceId = options.DeviceId;
        Root = $"{options.TopicPrefix}/{options.DeviceId}";
        Availability = Root + "/availability";
        Status = Root + "/status";
        Events = Root + "/events";
        Sessions = Root + "/sessions";
        DiscoveryPrefix = options.DiscoveryPrefix;
        HomeAssistantStatus = options.DiscoveryPrefix + "/status";
    }

    /// <summary>The "device" field of every payload.</summary>
    public string DeviceId { get; }

    /// <summary>&lt;prefix&gt;/&lt;device&gt;</summary>
    public string Root { get; }

    /// <summary>Retained "online"/"offline"; "offline" is also the Last Will.</summary>
    public string Availability { get; }

    /// <summary>Retained JSON <see cref="TerminalStatus"/>.</summary>
    public string Status { get; }

    /// <summary>QoS 1, not retained: one <see cref="AttendanceEvent"/> per message.</summary>
    public string Events { get; }

    /// <summary>QoS 1, not retained: one <see cref="SessionSummary"/> at the end of each session.</summary>
    public string Sessions { get; }

    public string DiscoveryPrefix { get; }

    /// <summary>Home Assistant's birth/last-will topic: "online" there means it wants the discovery configs again.</summary>
    public string HomeAssistantStatus { get; }

    /// <summary>Best practice per Home Assistant's docs: object id = unique id, no node id level.</summary>
    public string DiscoveryConfig(string component, string uniqueId) => $"{DiscoveryPrefix}/{component}/{uniqueId}/config";
}
