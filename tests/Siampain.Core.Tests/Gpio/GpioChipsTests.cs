using Siampain.Gpio;

namespace Siampain.Tests.Gpio;

public sealed class GpioChipsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("siampain-gpio-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void No_chip_is_a_clear_error()
    {
        var e = Assert.Throws<DoorSignalException>(() => GpioChips.List(_dir.FullName));

        Assert.Contains("No GPIO chip found", e.Message, StringComparison.Ordinal);
        Assert.Contains("Door:Output", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_chip_is_named_in_the_error()
    {
        var fake = Path.Combine(_dir.FullName, "gpiochip0");
        File.WriteAllText(fake, "not a device");

        var e = Assert.Throws<DoorSignalException>(() => GpioChips.Resolve("pinctrl-rp1", _dir.FullName));

        Assert.Contains(fake, e.Message, StringComparison.Ordinal);
        Assert.Contains("is not a GPIO chip", e.Message, StringComparison.Ordinal);
    }
}
