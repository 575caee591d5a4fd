using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siampain.Camera;

namespace Siampain.Tests.Camera;

public sealed class FrameSourceRegistrationTests
{
    [Fact]
    public async Task Configuration_is_bound_to_a_frame_source()
    {
        await using var provider = Build(new()
        {
            ["Camera:Kind"] = "Command",
            ["Camera:Command"] = "ffmpeg",
            ["Camera:Arguments:0"] = "-version",
            ["Camera:StallTimeout"] = "00:00:02",
        });

        var options = provider.GetRequiredService<IOptions<FrameSourceOptions>>().Value;
        Assert.Equal(["-version"], options.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(2), options.StallTimeout);
        Assert.Equal(FrameSourceState.NotStarted, provider.GetRequiredService<IFrameSource>().Health.State);
    }

    [Fact]
    public async Task Invalid_settings_fail_validation_naming_the_key()
    {
        await using var provider = Build(new() { ["Camera:Kind"] = "Command" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FrameSourceOptions>>().Value);

        Assert.Contains("Camera:Command", e.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddFrameSource(configuration).BuildServiceProvider();
    }
}
