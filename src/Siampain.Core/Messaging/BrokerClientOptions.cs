using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Siampain.Messaging;

/// <summary>Turns validated <see cref="MqttOptions"/> into MQTTnet client options: credentials, TLS, Last Will.</summary>
public static class BrokerClientOptions
{
    public static MqttClientOptions Build(MqttOptions options, MqttTopics topics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId($"siampain-{options.DeviceId}")
            .WithProtocolVersion(options.Protocol == MqttProtocol.V311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500)
            // The outbox, not the broker session, is what survives reconnects, so a fresh session is enough.
            .WithCleanSession(true)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.OperationTimeout)
            .WithWillTopic(topics.Availability)
            .WithWillPayload(HomeAssistantDiscovery.Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

        if (!string.IsNullOrEmpty(options.Username))
        {
            var password = options.PasswordFile is not null ? SecretFile.Read(options.PasswordFile) : options.Password;
            builder = builder.WithCredentials(options.Username, password);
        }

        if (options.Tls)
        {
            builder = builder.WithTlsOptions(tls => ConfigureTls(tls, options));
        }

        return builder.Build();
    }

    private static void ConfigureTls(MqttClientTlsOptionsBuilder tls, MqttOptions options)
    {
        tls.UseTls().WithTargetHost(options.Host);
        if (options.CaFile is not null)
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
            tls.WithCertificateValidationHandler(args => TrustedBy(authority, args.Certificate, args.SslPolicyErrors));
        }

        if (options.ClientCertificateFile is not null && options.ClientKeyFile is not null)
        {
            // SslStream on Linux wants the key inside a persisted certificate; a PEM pair gives an ephemeral one.
            using var pem = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
            var client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            tls.WithClientCertificates([client]);
        }
    }

    /// <summary>
    /// Accepts the broker's certificate when it chains to the configured CA (and only that CA) and its name matches
    /// the host; the system trust store is not consulted, so a private CA works without installing it system-wide.
    /// </summary>
    private static bool TrustedBy(X509Certificate2 authority, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
