using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

public sealed class MessagingRegistrationTests
{
    [Fact]
    public async Task BadConfigurationStopsTheHostAtStartNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:TopicPrefix"] = "school/+/doors",
            ["Mqtt:DeviceId"] = "door-1",
        });
        builder.Services.AddSingleton<IOutbox, InMemoryOutbox>();
        builder.Services.AddMqttPublisher(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Mqtt:TopicPrefix", StringComparison.Ordinal) && f.Contains("wildcard", StringComparison.Ordinal));
    }
}
