using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.Pwm;
using Microsoft.Extensions.Logging;

namespace Siampain.Gpio;

/// <summary>
/// The door LED and buzzer on GPIO. Pins are claimed at construction and driven to their inactive level, and on
/// dispose the pattern stops, both outputs go off and the pins are released.
/// </summary>
public sealed class GpioDoorSignal : IDoorSignal, IDisposable, IDoorOutputs
{
    private readonly GpioController _controller;
    private readonly PwmChannel? _pwm;
    private readonly bool _ownsHardware;
    private readonly DoorSignalOptions _options;
    private readonly DoorSignalPlayer _player;
    private bool _disposed;

    /// <summary>Opens the chip named by <see cref="DoorSignalOptions.Chip"/> and, for a PWM buzzer, its PWM channel.</summary>
    /// <exception cref="DoorSignalException">The chip, the driver or a pin cannot be used; the message says how to fix it.</exception>
    public GpioDoorSignal(DoorSignalOptions options, TimeProvider time, ILogger<GpioDoorSignal> logger)
        : this(OpenController(options), OpenPwm(options), ownsHardware: true, options, time, logger)
    {
    }

    /// <summary>Uses a controller (and PWM channel) the caller made; <paramref name="ownsHardware"/> says who disposes them.</summary>
    public GpioDoorSignal(GpioController controller, PwmChannel? pwm, bool ownsHardware, DoorSignalOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Buzzer == BuzzerDrive.Pwm && pwm is null)
        {
            throw new ArgumentException($"{nameof(DoorSignalOptions.Buzzer)} is Pwm but no PWM channel was given.", nameof(pwm));
        }

        _controller = controller;
        _pwm = options.Buzzer == BuzzerDrive.Pwm ? pwm : null;
        _ownsHardware = ownsHardware;
        _options = options;
        try
        {
            _controller.OpenPin(options.LedPin, PinMode.Output, Level(false, options.LedActiveLevel));
            if (options.Buzzer == BuzzerDrive.Active)
            {
                _controller.OpenPin(options.BuzzerPin, PinMode.Output, Level(false, options.BuzzerActiveLevel));
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException)
        {
            ReleaseHardware();
            throw new DoorSignalException(
                $"Cannot claim GPIO pins {options.LedPin} (LED) / {options.BuzzerPin} (buzzer): {e.Message} " +
                "Check the pin numbers, that no other program holds them, and that the service user is in the gpio group.", e);
        }

        _player = new DoorSignalPlayer(this, time, logger);
        var buzzer = options.Buzzer switch
        {
            BuzzerDrive.Active => $"pin {options.BuzzerPin} (active {options.BuzzerActiveLevel})",
            BuzzerDrive.Pwm => $"pwmchip{options.PwmChip}/pwm{options.PwmChannel} at {options.PwmFrequency} Hz",
            _ => "none",
        };
        Log.DoorOpened(logger, string.IsNullOrEmpty(options.Chip) ? "the default chip" : options.Chip, options.LedPin, options.LedActiveLevel, buzzer);
    }

    public ValueTask SignalAsync(DoorSignalKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _player.Play(kind);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _player.Dispose();
        }
        finally
        {
            ReleaseHardware();
        }
    }

    void IDoorOutputs.SetLed(bool on) => _controller.Write(_options.LedPin, Level(on, _options.LedActiveLevel));

    void IDoorOutputs.SetBuzzer(bool on)
    {
        switch (_options.Buzzer)
        {
            case BuzzerDrive.Active:
                _controller.Write(_options.BuzzerPin, Level(on, _options.BuzzerActiveLevel));
                break;
            case BuzzerDrive.Pwm when on:
                _pwm!.Start();
                break;
            case BuzzerDrive.Pwm:
                _pwm!.Stop();
                break;
        }
    }

    private static PinValue Level(bool on, ActiveLevel active) => on == (active == ActiveLevel.High) ? PinValue.High : PinValue.Low;

    private void ReleaseHardware()
    {
        foreach (var pin in new[] { _options.LedPin, _options.BuzzerPin })
        {
            if (_controller.IsPinOpen(pin))
            {
                _controller.ClosePin(pin);
            }
        }

        if (_ownsHardware)
        {
            _pwm?.Dispose();
            _controller.Dispose();
        }
    }

    private static GpioController OpenController(DoorSignalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Chip))
        {
            try
            {
                return new GpioController();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new DoorSignalException(
                    $"No usable GPIO controller on this machine ({e.Message}). Set {DoorSignalOptions.SectionName}:{nameof(DoorSignalOptions.Chip)} " +
                    $"to the gpiochip label or number, or {DoorSignalOptions.SectionName}:{nameof(DoorSignalOptions.Output)} to Console or None.", e);
            }
        }

        var number = GpioChips.Resolve(options.Chip);

        // libgpiod 2.x (Debian 13 and later) speaks the v2 ABI, 1.x (Debian 12) only v1. Which one is missing shows up
        // as different exception types depending on the runtime, so any failure of one tries the other.
        Exception v2Failure;
        try
        {
            return new GpioController(new LibGpiodV2Driver(number));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            v2Failure = e;
        }

        try
        {
            return new GpioController(new LibGpiodDriver(number));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DoorSignalException(
                $"Cannot open gpiochip{number} through libgpiod (v2 driver: {v2Failure.Message}; v1 driver: {e.Message}). " +
                "Install the libgpiod3 (or, on older systems, libgpiod2) package and check that the service user is in the gpio group.", e);
        }
    }

    private static PwmChannel? OpenPwm(DoorSignalOptions options)
    {
        if (options.Buzzer != BuzzerDrive.Pwm)
        {
            return null;
        }

        try
        {
            return PwmChannel.Create(options.PwmChip, options.PwmChannel, options.PwmFrequency, options.PwmDutyCycle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new DoorSignalException(
                $"Cannot open PWM channel pwmchip{options.PwmChip}/pwm{options.PwmChannel} for the buzzer ({e.Message}). Enable the PWM overlay " +
                $"(dtoverlay=pwm) or set {DoorSignalOptions.SectionName}:{nameof(DoorSignalOptions.Buzzer)} to Active.", e);
        }
    }
}
