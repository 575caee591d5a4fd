using System.Runtime.Versioning;
using Microsoft.Extensions.Options;
using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

[SupportedOSPlatform("linux")]
public sealed class MqttOptionsValidatorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-mqtt-options-").FullName;

    [Theory]
    [InlineData("school/+/doors", "wildcard")]
    [InlineData("school/#", "wildcard")]
    [InlineData("#", "wildcard")]
    [InlineData("", "required")]
    [InlineData("school//doors", "empty topic level")]
    [InlineData("/school", "empty topic level")]
    [InlineData("school/", "empty topic level")]
    [InlineData("$SYS/school", "reserve")]
    public void BadTopicPrefixIsRejectedWithTheKeyAndTheReason(string prefix, string reason)
    {
        var options = Valid();
        options.TopicPrefix = prefix;

        var failures = Failures(options);

        var failure = Assert.Single(failures, f => f.Contains("TopicPrefix", StringComparison.Ordinal));
        Assert.Contains(reason, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("siampain")]
    [InlineData("school/building-a/room 12")]
    public void UsablePrefixesPass(string prefix)
    {
        var options = Valid();
        options.TopicPrefix = prefix;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void ThrowIfInvalidListsEveryProblem()
    {
        var options = Valid();
        options.TopicPrefix = "a/#";
        options.DiscoveryPrefix = "ha/";
        options.DeviceId = "door/1";

        var error = Assert.Throws<OptionsValidationException>(() => MqttOptionsValidator.ThrowIfInvalid(options));

        Assert.Contains(error.Failures, f => f.Contains("TopicPrefix", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("DiscoveryPrefix", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("DeviceId", StringComparison.Ordinal));
    }

    [Fact]
    public void PasswordFileReadableByOthersIsRejected()
    {
        var file = Path.Combine(_folder, "password");
        File.WriteAllText(file, "secret\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var options = Valid();
        options.Username = "door";
        options.PasswordFile = file;

        var failure = Assert.Single(Failures(options));

        Assert.Contains("Mqtt:PasswordFile", failure, StringComparison.Ordinal);
        Assert.Contains("chmod 600", failure, StringComparison.Ordinal);

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void MissingFilesAndContradictionsAreNamed()
    {
        var options = Valid();
        options.Host = "mqtt://broker:1883";
        options.Password = "inline";
        options.PasswordFile = Path.Combine(_folder, "absent");
        options.CaFile = Path.Combine(_folder, "ca.pem");
        options.ClientCertificateFile = Path.Combine(_folder, "client.pem");
        options.BackoffMin = TimeSpan.FromMinutes(2);

        var failures = Failures(options);

        Assert.Contains(failures, f => f.Contains("Mqtt:Host", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Username is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("absent' does not exist", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Tls is false", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ca.pem' does not exist", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ClientKeyFile", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("BackoffMin", StringComparison.Ordinal));
    }

    [Fact]
    public void RangesComeFromTheAnnotations()
    {
        var options = Valid();
        options.Port = 0;
        options.OperationTimeout = TimeSpan.Zero;

        var failures = Failures(options);

        Assert.Contains(failures, f => f.Contains("Port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("OperationTimeout", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MqttOptions Valid() => new() { Host = "broker.local", DeviceId = "door-1" };

    private static List<string> Failures(MqttOptions options) =>
        new MqttOptionsValidator().Validate(Options.DefaultName, options).Failures?.ToList() ?? [];
}
