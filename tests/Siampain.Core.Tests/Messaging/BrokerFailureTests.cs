using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Exceptions;
using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

public sealed class BrokerFailureTests
{
    [Theory]
    [InlineData(MqttClientConnectResultCode.BadUserNameOrPassword, BrokerFailureKind.BadCredentials)]
    [InlineData(MqttClientConnectResultCode.NotAuthorized, BrokerFailureKind.BadCredentials)]
    [InlineData(MqttClientConnectResultCode.Banned, BrokerFailureKind.Refused)]
    [InlineData(MqttClientConnectResultCode.ServerUnavailable, BrokerFailureKind.Refused)]
    public void RefusedConnectionsAreToldApart(MqttClientConnectResultCode code, BrokerFailureKind kind)
    {
        var failure = BrokerFailure.FromConnectResult(code, "reason from broker");

        Assert.Equal(kind, failure.Kind);
        Assert.Contains(code.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.Contains("reason from broker", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExceptionsAreClassifiedByTheirInnermostCause()
    {
        var refused = new MqttCommunicationException(new SocketException((int)SocketError.ConnectionRefused));
        var tls = new MqttCommunicationException(new IOException("handshake", new AuthenticationException("certificate rejected")));

        Assert.Equal(BrokerFailureKind.Unreachable, BrokerFailure.FromException(refused, timedOut: false).Kind);
        Assert.Equal(BrokerFailureKind.Tls, BrokerFailure.FromException(tls, timedOut: false).Kind);
        Assert.Equal(BrokerFailureKind.Timeout, BrokerFailure.FromException(new OperationCanceledException(), timedOut: true).Kind);
        Assert.Equal(BrokerFailureKind.Timeout, BrokerFailure.FromException(new MqttCommunicationTimedOutException(), timedOut: false).Kind);
        Assert.Equal(BrokerFailureKind.ConnectionLost, BrokerFailure.FromException(new MqttClientNotConnectedException(), timedOut: false).Kind);
    }
}
