using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Exceptions;

namespace Siampain.Messaging;

/// <summary>Why the broker could not be used; each kind has its own log line and status text.</summary>
public enum BrokerFailureKind
{
    /// <summary>No TCP connection: host unknown, nothing listening, network down.</summary>
    Unreachable,

    /// <summary>The TLS handshake failed: untrusted or mismatched certificate, protocol mismatch.</summary>
    Tls,

    /// <summary>The broker rejected the user name or password (or the client certificate's identity).</summary>
    BadCredentials,

    /// <summary>The broker answered but refused the connection or a publish (banned, quota, not authorised for a topic...).</summary>
    Refused,

    /// <summary>The broker did not answer within the operation timeout (frozen, black-holed, overloaded).</summary>
    Timeout,

    /// <summary>The connection dropped while in use.</summary>
    ConnectionLost,
}

/// <summary>A classified failure with a message an operator can act on.</summary>
public sealed record BrokerFailure(BrokerFailureKind Kind, string Message)
{
    internal static BrokerFailure FromConnectResult(MqttClientConnectResultCode code, string? reason) => code switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized or
        MqttClientConnectResultCode.BadAuthenticationMethod =>
            new(BrokerFailureKind.BadCredentials, $"broker rejected the credentials ({code}{Suffix(reason)}); check Mqtt:Username and the password"),
        _ => new(BrokerFailureKind.Refused, $"broker refused the connection ({code}{Suffix(reason)})"),
    };

    /// <summary>Classifies an exception thrown by a broker operation that hit <paramref name="timedOut"/> or failed by itself.</summary>
    internal static BrokerFailure FromException(Exception exception, bool timedOut)
    {
        if (timedOut || exception is MqttCommunicationTimedOutException)
        {
            return new(BrokerFailureKind.Timeout, "broker did not answer in time");
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AuthenticationException tls:
                    return new(BrokerFailureKind.Tls, $"TLS handshake failed: {tls.Message}");
                case SocketException socket:
                    return new(BrokerFailureKind.Unreachable, $"cannot reach the broker: {socket.SocketErrorCode} ({socket.Message})");
                case MqttClientUnexpectedDisconnectReceivedException disconnect:
                    return new(BrokerFailureKind.Refused, $"broker closed the connection ({disconnect.ReasonCode}{Suffix(disconnect.ReasonString)})");
                default:
                    break;
            }
        }

        return exception is MqttCommunicationException or MqttClientNotConnectedException or IOException or ObjectDisposedException
            ? new(BrokerFailureKind.ConnectionLost, $"connection lost: {exception.Message}")
            : new(BrokerFailureKind.Refused, $"{exception.GetType().Name}: {exception.Message}");
    }

    private static string Suffix(string? reason) => string.IsNullOrEmpty(reason) ? string.Empty : ": " + reason;
}
