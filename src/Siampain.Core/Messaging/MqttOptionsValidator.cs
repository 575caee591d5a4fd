using System.Net;
using Microsoft.Extensions.Options;

namespace Siampain.Messaging;

/// <summary>The ranges and patterns declared on <see cref="MqttOptions"/>, checked without reflection.</summary>
[OptionsValidator]
internal sealed partial class MqttOptionsAnnotationsValidator : IValidateOptions<MqttOptions>;

/// <summary>
/// Rules that span several keys or touch the file system: topic prefixes, credentials, TLS files.
/// Every message names the configuration key so the operator knows what to fix.
/// </summary>
public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    private readonly MqttOptionsAnnotationsValidator _annotations = new();

    /// <summary>Validates outside dependency injection (tools, tests); throws with every failure listed.</summary>
    public static void ThrowIfInvalid(MqttOptions options)
    {
        var result = new MqttOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MqttOptions), result.Failures);
        }
    }

    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));

        if (!string.IsNullOrWhiteSpace(options.Host) && Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
        {
            builder.AddError($"'{options.Host}' is not a host name or IP address (write the port in Mqtt:Port, without a scheme).", "Mqtt:Host");
        }

        // Empty prefixes are already reported by [Required].
        if (!string.IsNullOrEmpty(options.TopicPrefix))
        {
            AddIfError(builder, "Mqtt:TopicPrefix", TopicRules.CheckPrefix(options.TopicPrefix));
        }

        if (!string.IsNullOrEmpty(options.DiscoveryPrefix))
        {
            AddIfError(builder, "Mqtt:DiscoveryPrefix", TopicRules.CheckPrefix(options.DiscoveryPrefix));
        }

        if (options.BackoffMin > options.BackoffMax)
        {
            builder.AddError($"BackoffMin ({options.BackoffMin}) is longer than BackoffMax ({options.BackoffMax}).", "Mqtt:BackoffMin");
        }

        if (options.Password is not null && options.PasswordFile is not null)
        {
            builder.AddError("set either Password or PasswordFile, not both.", "Mqtt:PasswordFile");
        }

        if ((options.Password is not null || options.PasswordFile is not null) && string.IsNullOrEmpty(options.Username))
        {
            builder.AddError("a password is configured but Username is empty.", "Mqtt:Username");
        }

        if (options.PasswordFile is not null)
        {
            AddIfError(builder, "Mqtt:PasswordFile", SecretFile.Check(options.PasswordFile));
        }

        if (!options.Tls && (options.CaFile ?? options.ClientCertificateFile ?? options.ClientKeyFile) is not null)
        {
            builder.AddError("TLS files are configured but Tls is false; set Mqtt:Tls to true or remove them.", "Mqtt:Tls");
        }

        AddIfError(builder, "Mqtt:CaFile", CheckReadable(options.CaFile));
        AddIfError(builder, "Mqtt:ClientCertificateFile", CheckReadable(options.ClientCertificateFile));
        if (options.ClientKeyFile is not null)
        {
            AddIfError(builder, "Mqtt:ClientKeyFile", SecretFile.Check(options.ClientKeyFile));
        }

        if ((options.ClientCertificateFile is null) != (options.ClientKeyFile is null))
        {
            builder.AddError("a client certificate needs both ClientCertificateFile and ClientKeyFile.", "Mqtt:ClientKeyFile");
        }

        return builder.Build();
    }

    private static string? CheckReadable(string? path) =>
        path is null || File.Exists(path) ? null : $"file '{path}' does not exist.";

    private static void AddIfError(ValidateOptionsResultBuilder builder, string key, string? error)
    {
        if (error is not null)
        {
            builder.AddError(error, key);
        }
    }
}
