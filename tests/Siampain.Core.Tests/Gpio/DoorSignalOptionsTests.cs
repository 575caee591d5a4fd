using Siampain.Gpio;

namespace Siampain.Tests.Gpio;

public sealed class DoorSignalOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new DoorSignalOptionsValidator().Validate(null, new DoorSignalOptions()).Succeeded);
    }

    [Theory]
    [InlineData("LedPin", -1)]
    [InlineData("BuzzerPin", -5)]
    [InlineData("LedPin", 5000)]
    [InlineData("PwmFrequency", 50)]
    [InlineData("PwmChannel", -1)]
    public void Out_of_range_values_are_rejected_naming_the_key(string key, int value)
    {
        var options = new DoorSignalOptions();
        typeof(DoorSignalOptions).GetProperty(key)!.SetValue(options, value);

        var result = new DoorSignalOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Led_and_buzzer_on_the_same_pin_is_rejected()
    {
        var result = new DoorSignalOptionsValidator().Validate(null, new DoorSignalOptions { LedPin = 5, BuzzerPin = 5 });

        Assert.True(result.Failed);
        Assert.Contains("distinct pins", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_pin_is_fine_when_the_buzzer_is_not_on_a_pin()
    {
        var result = new DoorSignalOptionsValidator().Validate(null, new DoorSignalOptions { LedPin = 5, BuzzerPin = 5, Buzzer = BuzzerDrive.Pwm });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void A_chip_that_looks_like_a_path_is_rejected()
    {
        var result = new DoorSignalOptionsValidator().Validate(null, new DoorSignalOptions { Chip = "/dev/gpiochip0" });

        Assert.True(result.Failed);
        Assert.Contains("Chip", result.FailureMessage, StringComparison.Ordinal);
    }
}
