using Microsoft.Extensions.Logging;

namespace Siampain.Messaging;

/// <summary>Log lines of the MQTT publisher. Event ids are fixed (4000-4099) so that alerts can match on them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Connecting to MQTT broker {Host}:{Port} as {ClientId} ({Protocol}, TLS {Tls})")]
    public static partial void Connecting(ILogger logger, string host, int port, string clientId, MqttProtocol protocol, bool tls);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connected to MQTT broker {Host}:{Port}; {Backlog} event(s) waiting in the outbox")]
    public static partial void Connected(ILogger logger, string host, int port, long backlog);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "MQTT broker {Host}:{Port} rejected the credentials: {Detail}. Events stay in the outbox.")]
    public static partial void BadCredentials(ILogger logger, string host, int port, string detail);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "TLS to MQTT broker {Host}:{Port} failed: {Detail}. Check Mqtt:CaFile, the broker certificate's name and the client certificate. Events stay in the outbox.")]
    public static partial void TlsFailed(ILogger logger, string host, int port, string detail);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} refused: {Detail}. Events stay in the outbox.")]
    public static partial void Refused(ILogger logger, string host, int port, string detail);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} is unreachable: {Detail}. Events stay in the outbox.")]
    public static partial void Unreachable(ILogger logger, string host, int port, string detail);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} did not answer within {Timeout} ({Operation}); dropping the connection. Events stay in the outbox.")]
    public static partial void TimedOut(ILogger logger, string host, int port, TimeSpan timeout, string operation);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Lost the MQTT connection to {Host}:{Port}: {Detail}")]
    public static partial void ConnectionLost(ILogger logger, string host, int port, string detail);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Next MQTT connection attempt in {Delay}")]
    public static partial void Retrying(ILogger logger, TimeSpan delay);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Published {Count} Home Assistant discovery config(s) under {Prefix}")]
    public static partial void DiscoveryPublished(ILogger logger, int count, string prefix);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Home Assistant came online; discovery configs will be republished")]
    public static partial void HomeAssistantOnline(ILogger logger);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Outbox drained: {Count} event(s) delivered since connecting")]
    public static partial void Drained(ILogger logger, long count);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Stopped the MQTT publisher; {Backlog} event(s) remain in the outbox")]
    public static partial void Stopped(ILogger logger, long backlog);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Debug, Message = "Ignored a message on {Topic}: {Reason}")]
    public static partial void IgnoredMessage(ILogger logger, string topic, string reason);
}
