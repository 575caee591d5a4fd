using Siampain.Gpio;

namespace Siampain.Tests.Gpio;

public sealed class ConsoleDoorSignalTests
{
    [Fact]
    public async Task Prints_one_plain_line_per_signal_with_colour_sound_and_name()
    {
        using var writer = new StringWriter();
        IDoorSignal door = new ConsoleDoorSignal(writer, useColour: false);

        await door.SignalAsync(DoorSignalKind.Recognised, "Alice", CancellationToken.None);
        await door.SignalAsync(DoorSignalKind.Late, "Bob", CancellationToken.None);
        await door.SignalAsync(DoorSignalKind.Unknown, CancellationToken.None);
        await door.SignalAsync(DoorSignalKind.Error, CancellationToken.None);
        await door.SignalAsync(DoorSignalKind.Exit, "Alice", CancellationToken.None);

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "[door] ● GREEN  beep       — recognised: Alice",
                "[door] ● AMBER  beep beep  — late: Bob",
                "[door] ● RED    beeeep     — unknown",
                "[door] ● RED    beep beep beep beep — error",
                "[door] ● BLUE   (silent)   — exit: Alice",
            ],
            lines);
    }

    [Fact]
    public void Colour_wraps_only_the_dot_in_ansi_codes()
    {
        var line = ConsoleDoorSignal.Format(DoorSignalKind.Recognised, "Alice", useColour: true);

        Assert.StartsWith("[door] \u001b[32m●\u001b[0m GREEN", line, StringComparison.Ordinal);
    }
}
