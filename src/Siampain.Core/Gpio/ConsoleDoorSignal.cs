using System.Text;

namespace Siampain.Gpio;

/// <summary>
/// Shows door signals as one line each, e.g. "[door] ● GREEN  beep       — recognised: Alice", for the demo and
/// machines without GPIO. The colour word is printed as well as the ANSI colour, so redirected output stays readable.
/// </summary>
public sealed class ConsoleDoorSignal : IDoorSignal
{
    private const int LongBeepMilliseconds = 250;
    private readonly TextWriter _writer;
    private readonly bool _useColour;
    private readonly Lock _gate = new();

    public ConsoleDoorSignal()
        : this(Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null)
    {
    }

    public ConsoleDoorSignal(TextWriter writer, bool useColour)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _useColour = useColour;
    }

    public ValueTask SignalAsync(DoorSignalKind kind, CancellationToken cancellationToken) => SignalAsync(kind, null, cancellationToken);

    public ValueTask SignalAsync(DoorSignalKind kind, string? subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var line = Format(kind, subject, _useColour);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }

        return ValueTask.CompletedTask;
    }

    internal static string Format(DoorSignalKind kind, string? subject, bool useColour)
    {
        var (colour, ansi) = kind switch
        {
            DoorSignalKind.Recognised => ("GREEN", "32"),
            DoorSignalKind.Late => ("AMBER", "33"),
            DoorSignalKind.Unknown => ("RED", "31"),
            DoorSignalKind.Error => ("RED", "91"),
            DoorSignalKind.Exit => ("BLUE", "34"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown door signal."),
        };
        var dot = useColour ? $"\u001b[{ansi}m●\u001b[0m" : "●";
        var what = kind switch
        {
            DoorSignalKind.Recognised => "recognised",
            DoorSignalKind.Late => "late",
            DoorSignalKind.Unknown => "unknown",
            DoorSignalKind.Error => "error",
            _ => "exit",
        };
        var text = string.IsNullOrEmpty(subject) ? what : $"{what}: {subject}";
        return $"[door] {dot} {colour,-6} {Sound(kind),-10} — {text}";
    }

    /// <summary>The buzzer part of the pattern in words, derived from the pattern itself so the two cannot drift apart.</summary>
    private static string Sound(DoorSignalKind kind)
    {
        var sound = new StringBuilder();
        var previous = false;
        var onFor = TimeSpan.Zero;
        foreach (var step in DoorSignalPatterns.For(kind))
        {
            if (step.Buzzer)
            {
                onFor += step.Duration;
            }
            else if (previous)
            {
                Append(sound, onFor);
                onFor = TimeSpan.Zero;
            }

            previous = step.Buzzer;
        }

        if (previous)
        {
            Append(sound, onFor);
        }

        return sound.Length == 0 ? "(silent)" : sound.ToString();

        static void Append(StringBuilder sound, TimeSpan length) =>
            sound.Append(sound.Length == 0 ? string.Empty : " ").Append(length.TotalMilliseconds >= LongBeepMilliseconds ? "beeeep" : "beep");
    }
}
