using System.ComponentModel.DataAnnotations;

namespace Siampain.Messaging;

/// <summary>The MQTT protocol spoken to the broker.</summary>
public enum MqttProtocol
{
    /// <summary>MQTT 5.0: reason codes on refusals and PUBACKs, so failures can be told apart.</summary>
    V500,

    /// <summary>MQTT 3.1.1, for older brokers.</summary>
    V311,
}

/// <summary>
/// Broker connection and topic layout, bound to the "Mqtt" configuration section and validated at start
/// (a bad value stops the service at boot with a message naming the key, instead of failing at the first event).
/// </summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";
    public const int DefaultPort = 1883;
    public const string DefaultTopicPrefix = "siampain";
    public const string DefaultDiscoveryPrefix = "homeassistant";
    public const string DefaultKeepAlive = "00:00:15";
    public const string DefaultOperationTimeout = "00:00:10";
    public const string DefaultBackoffMin = "00:00:01";
    public const string DefaultBackoffMax = "00:01:00";
    public const string DefaultStatusInterval = "00:00:30";

    /// <summary>Broker host name or IP address.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = DefaultPort;

    public MqttProtocol Protocol { get; set; } = MqttProtocol.V500;

    /// <summary>First topic level(s) of every topic this terminal publishes: &lt;prefix&gt;/&lt;device&gt;/...</summary>
    [Required]
    public string TopicPrefix { get; set; } = DefaultTopicPrefix;

    /// <summary>This terminal's id: one topic level, also used in MQTT client id and Home Assistant unique ids.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Mqtt:DeviceId must be 1-64 characters from A-Z a-z 0-9 _ - (it becomes a topic level and a Home Assistant id).")]
    public string DeviceId { get; set; } = "terminal";

    /// <summary>Shown as the device name in Home Assistant; defaults to "Siampain &lt;DeviceId&gt;".</summary>
    public string? DeviceName { get; set; }

    /// <summary>Where Home Assistant listens for discovery configs; its birth message comes on &lt;prefix&gt;/status.</summary>
    [Required]
    public string DiscoveryPrefix { get; set; } = DefaultDiscoveryPrefix;

    public bool Discovery { get; set; } = true;

    public string? Username { get; set; }

    /// <summary>Inline password. Prefer <see cref="PasswordFile"/>, which keeps the secret out of the config file.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding only the password; must not be readable by group or others.</summary>
    public string? PasswordFile { get; set; }

    public bool Tls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate; without it the system trust store is used.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for brokers that authenticate clients by certificate (with <see cref="ClientKeyFile"/>).</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>MQTT keep-alive; also how long the link may stay idle before the publisher pings the broker itself.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.Parse(DefaultKeepAlive, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Upper bound for any single broker operation (connect, publish until PUBACK, subscribe, ping).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.Parse(DefaultOperationTimeout, System.Globalization.CultureInfo.InvariantCulture);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BackoffMin { get; set; } = TimeSpan.Parse(DefaultBackoffMin, System.Globalization.CultureInfo.InvariantCulture);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BackoffMax { get; set; } = TimeSpan.Parse(DefaultBackoffMax, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How often the retained status is refreshed while nothing else changes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.Parse(DefaultStatusInterval, System.Globalization.CultureInfo.InvariantCulture);

    internal string EffectiveDeviceName => string.IsNullOrWhiteSpace(DeviceName) ? $"Siampain {DeviceId}" : DeviceName;
}
