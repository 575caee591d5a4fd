using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siampain.Gpio;

namespace Siampain.Tests.Gpio;

public sealed class DoorSignalRegistrationTests
{
    [Theory]
    [InlineData("Console", typeof(ConsoleDoorSignal))]
    [InlineData("None", typeof(NullDoorSignal))]
    public void The_output_setting_picks_the_indicator(string output, Type expected)
    {
        using var provider = Build(new() { ["Door:Output"] = output });

        Assert.IsType(expected, provider.GetRequiredService<IDoorSignal>());
    }

    [Fact]
    public void Gpio_output_on_a_machine_without_gpio_is_a_clear_error()
    {
        using var provider = Build(new() { ["Door:Output"] = "Gpio" });

        var e = Assert.Throws<DoorSignalException>(() => provider.GetRequiredService<IDoorSignal>());

        Assert.Contains("Door:Output", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_fails_validation_naming_the_key()
    {
        using var provider = Build(new() { ["Door:LedPin"] = "-3" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DoorSignalOptions>>().Value);

        Assert.Contains("LedPin", e.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddDoorSignal(configuration).BuildServiceProvider();
    }
}
