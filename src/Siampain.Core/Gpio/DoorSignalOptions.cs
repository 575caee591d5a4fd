using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Gpio;

/// <summary>Where the door signals go.</summary>
public enum DoorSignalOutput
{
    /// <summary>LED and buzzer on GPIO pins.</summary>
    Gpio,

    /// <summary>A coloured line per signal on the console (demo, development machines).</summary>
    Console,

    /// <summary>No signal at all (a terminal without an indicator).</summary>
    None,
}

/// <summary>The pin level that switches a device on: High for a part wired to ground, Low for one wired to 3.3 V.</summary>
public enum ActiveLevel
{
    High,
    Low,
}

/// <summary>How the buzzer is driven.</summary>
public enum BuzzerDrive
{
    /// <summary>An active buzzer (it has its own oscillator) switched by a plain GPIO pin.</summary>
    Active,

    /// <summary>A passive buzzer fed a square wave by a hardware PWM channel.</summary>
    Pwm,

    /// <summary>No buzzer fitted.</summary>
    None,
}

/// <summary>Door LED and buzzer, bound to the "Door" configuration section.</summary>
public sealed class DoorSignalOptions : IValidatableObject
{
    public const string SectionName = "Door";

    /// <summary>Physical pin 11 on a Raspberry Pi header.</summary>
    public const int DefaultLedPin = 17;

    /// <summary>Physical pin 13 on a Raspberry Pi header.</summary>
    public const int DefaultBuzzerPin = 27;

    /// <summary>Typical resonance of small piezo buzzers, so a passive one is loud enough.</summary>
    public const int DefaultPwmFrequency = 2700;

    public const double DefaultPwmDutyCycle = 0.5;

    /// <summary>Highest line offset accepted; no board this runs on has a chip with more lines.</summary>
    public const int MaxPin = 1023;

    public DoorSignalOutput Output { get; set; } = DoorSignalOutput.Gpio;

    /// <summary>
    /// The gpiochip: a number ("0") or a label ("pinctrl-rp1" on a Pi 5, whose numbering changed between kernels).
    /// Empty = let System.Device.Gpio pick the board's default chip.
    /// </summary>
    [MaxLength(64)]
    [RegularExpression(@"^[^\s/]*$", ErrorMessage = "The Chip field must be a gpiochip number or label, without spaces or '/'.")]
    public string Chip { get; set; } = string.Empty;

    [Range(0, MaxPin)]
    public int LedPin { get; set; } = DefaultLedPin;

    public ActiveLevel LedActiveLevel { get; set; } = ActiveLevel.High;

    public BuzzerDrive Buzzer { get; set; } = BuzzerDrive.Active;

    /// <summary>GPIO line of an active buzzer (used when <see cref="Buzzer"/> is Active).</summary>
    [Range(0, MaxPin)]
    public int BuzzerPin { get; set; } = DefaultBuzzerPin;

    public ActiveLevel BuzzerActiveLevel { get; set; } = ActiveLevel.High;

    /// <summary>/sys/class/pwm/pwmchipN (used when <see cref="Buzzer"/> is Pwm).</summary>
    [Range(0, 63)]
    public int PwmChip { get; set; }

    [Range(0, 63)]
    public int PwmChannel { get; set; }

    /// <summary>Hertz. Below about 1 kHz buzzers are quiet; above 10 kHz many people do not hear them.</summary>
    [Range(500, 10_000)]
    public int PwmFrequency { get; set; } = DefaultPwmFrequency;

    [Range(0.05, 0.95)]
    public double PwmDutyCycle { get; set; } = DefaultPwmDutyCycle;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Output == DoorSignalOutput.Gpio && Buzzer == BuzzerDrive.Active && LedPin == BuzzerPin)
        {
            yield return new ValidationResult(
                $"LedPin and BuzzerPin are both {LedPin}; the LED and the buzzer need distinct pins.",
                [nameof(LedPin), nameof(BuzzerPin)]);
        }
    }
}

/// <summary>Checks the ranges and the cross-field rules when the host starts (ValidateOnStart).</summary>
[OptionsValidator]
public sealed partial class DoorSignalOptionsValidator : IValidateOptions<DoorSignalOptions>;
