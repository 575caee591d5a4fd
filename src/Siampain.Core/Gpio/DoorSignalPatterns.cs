namespace Siampain.Gpio;

/// <summary>One step of a pattern: the LED and buzzer states held for <see cref="Duration"/>.</summary>
public readonly record struct SignalStep(bool Led, bool Buzzer, TimeSpan Duration)
{
    public static SignalStep On(int milliseconds, bool beep = false) => new(true, beep, TimeSpan.FromMilliseconds(milliseconds));

    public static SignalStep Off(int milliseconds) => new(false, false, TimeSpan.FromMilliseconds(milliseconds));
}

/// <summary>
/// The patterns, kept short (at most about a second) so the next student is not held up, and distinct by ear as well
/// as by eye: one beep = welcome, two = late, one long = not recognised, a burst = fault, silence = leaving.
/// After the last step both outputs go off.
/// </summary>
public static class DoorSignalPatterns
{
    private static readonly SignalStep[] Recognised = [SignalStep.On(120, beep: true), SignalStep.On(880)];

    private static readonly SignalStep[] Late =
        [SignalStep.On(100, beep: true), SignalStep.On(100), SignalStep.On(100, beep: true), SignalStep.On(700)];

    private static readonly SignalStep[] Unknown =
        [SignalStep.On(400, beep: true), SignalStep.Off(150), SignalStep.On(150), SignalStep.Off(150), SignalStep.On(150)];

    private static readonly SignalStep[] Error =
    [
        SignalStep.On(80, beep: true), SignalStep.Off(80), SignalStep.On(80, beep: true), SignalStep.Off(80),
        SignalStep.On(80, beep: true), SignalStep.Off(80), SignalStep.On(80, beep: true),
    ];

    private static readonly SignalStep[] Exit = [SignalStep.On(300), SignalStep.Off(150), SignalStep.On(300)];

    public static ReadOnlySpan<SignalStep> For(DoorSignalKind kind) => kind switch
    {
        DoorSignalKind.Recognised => Recognised,
        DoorSignalKind.Late => Late,
        DoorSignalKind.Unknown => Unknown,
        DoorSignalKind.Error => Error,
        DoorSignalKind.Exit => Exit,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown door signal."),
    };
}
