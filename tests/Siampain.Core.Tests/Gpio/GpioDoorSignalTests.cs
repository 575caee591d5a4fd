using System.Device.Gpio;
using System.Device.Pwm;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Siampain.Gpio;

namespace Siampain.Tests.Gpio;

public sealed class GpioDoorSignalTests : IDisposable
{
    private const int Led = DoorSignalOptions.DefaultLedPin;
    private const int Buzzer = DoorSignalOptions.DefaultBuzzerPin;

    private readonly FakeTimeProvider _time = new();
    private readonly FakeGpioDriver _driver;

    public GpioDoorSignalTests() => _driver = new FakeGpioDriver(_time);

    public void Dispose() => _driver.Dispose();

    [Fact]
    public async Task Recognised_is_one_short_beep_with_the_led_on_for_a_second()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Recognised, CancellationToken.None);
        Run(5000);

        Assert.Equal(
            [W(Led, true, 0), W(Buzzer, true, 0), W(Buzzer, false, 120), W(Led, false, 1000)],
            _driver.Writes);
    }

    [Fact]
    public async Task Late_is_two_short_beeps()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Late, CancellationToken.None);
        Run(5000);

        Assert.Equal(
            [W(Led, true, 0), W(Buzzer, true, 0), W(Buzzer, false, 100), W(Buzzer, true, 200), W(Buzzer, false, 300), W(Led, false, 1000)],
            _driver.Writes);
    }

    [Fact]
    public async Task Unknown_is_one_long_beep_and_a_blinking_led()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Unknown, CancellationToken.None);
        Run(5000);

        Assert.Equal(
            [
                W(Led, true, 0), W(Buzzer, true, 0), W(Led, false, 400), W(Buzzer, false, 400),
                W(Led, true, 550), W(Led, false, 700), W(Led, true, 850), W(Led, false, 1000),
            ],
            _driver.Writes);
    }

    [Fact]
    public async Task Error_is_a_burst_of_four_beeps()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Error, CancellationToken.None);
        Run(5000);

        var expected = new List<PinWrite>();
        for (var i = 0; i < 4; i++)
        {
            expected.Add(W(Led, true, i * 160));
            expected.Add(W(Buzzer, true, i * 160));
            expected.Add(W(Led, false, (i * 160) + 80));
            expected.Add(W(Buzzer, false, (i * 160) + 80));
        }

        Assert.Equal(expected, _driver.Writes);
    }

    [Fact]
    public async Task Exit_blinks_twice_without_sound()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Exit, CancellationToken.None);
        Run(5000);

        Assert.Equal([W(Led, true, 0), W(Led, false, 300), W(Led, true, 450), W(Led, false, 750)], _driver.Writes);
    }

    [Fact]
    public async Task Steps_take_effect_only_when_their_time_comes()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Recognised, CancellationToken.None);
        Run(119);
        Assert.Equal(2, _driver.Writes.Count);
        Run(1);
        Assert.Equal(3, _driver.Writes.Count);
        Run(879);
        Assert.Equal(3, _driver.Writes.Count);
        Run(1);
        Assert.Equal(W(Led, false, 1000), _driver.Writes[^1]);
    }

    [Fact]
    public async Task Active_low_outputs_are_inverted_and_start_high()
    {
        using var door = Open(new DoorSignalOptions { LedActiveLevel = ActiveLevel.Low, BuzzerActiveLevel = ActiveLevel.Low });
        Assert.Equal(PinValue.High, _driver.ValueOf(Led));
        Assert.Equal(PinValue.High, _driver.ValueOf(Buzzer));

        await door.SignalAsync(DoorSignalKind.Recognised, CancellationToken.None);
        Run(5000);

        Assert.Equal(
            [W(Led, false, 0), W(Buzzer, false, 0), W(Buzzer, true, 120), W(Led, true, 1000)],
            _driver.Writes);
    }

    [Fact]
    public void Pins_start_inactive()
    {
        using var door = Open(new DoorSignalOptions());

        Assert.Equal(PinValue.Low, _driver.ValueOf(Led));
        Assert.Equal(PinValue.Low, _driver.ValueOf(Buzzer));
        Assert.Equal([Led, Buzzer], _driver.OpenPins.Order());
    }

    [Fact]
    public async Task A_new_signal_preempts_the_running_pattern()
    {
        using var door = Open(new DoorSignalOptions());

        await door.SignalAsync(DoorSignalKind.Recognised, CancellationToken.None);
        Run(50);
        await door.SignalAsync(DoorSignalKind.Exit, CancellationToken.None);
        Run(5000);

        // The recognised pattern's buzzer-off at 120 and LED-off at 1000 never happen; Exit runs from 50 on.
        Assert.Equal(
            [W(Led, true, 0), W(Buzzer, true, 0), W(Buzzer, false, 50), W(Led, false, 350), W(Led, true, 500), W(Led, false, 800)],
            _driver.Writes);
    }

    [Fact]
    public async Task Dispose_mid_pattern_leaves_the_led_off_and_releases_the_pins()
    {
        var door = Open(new DoorSignalOptions());
        await door.SignalAsync(DoorSignalKind.Recognised, CancellationToken.None);
        Run(60);

        door.Dispose();
        var writesAtDispose = _driver.Writes.Count;
        Run(5000);

        Assert.Equal([W(Led, true, 0), W(Buzzer, true, 0), W(Led, false, 60), W(Buzzer, false, 60)], _driver.Writes);
        Assert.Equal(writesAtDispose, _driver.Writes.Count);
        Assert.Empty(_driver.OpenPins);
        Assert.True(_driver.Disposed);
    }

    [Fact]
    public void A_controller_owned_by_the_caller_is_not_disposed()
    {
        using var controller = new GpioController(_driver);
        new GpioDoorSignal(controller, null, ownsHardware: false, new DoorSignalOptions(), _time, NullLogger.Instance).Dispose();

        Assert.False(_driver.Disposed);
        Assert.Empty(_driver.OpenPins);
    }

    [Fact]
    public async Task A_pwm_buzzer_is_started_and_stopped_instead_of_a_pin()
    {
        var pwm = new FakePwmChannel(_time);
        using var door = new GpioDoorSignal(new GpioController(_driver), pwm, ownsHardware: true, new DoorSignalOptions { Buzzer = BuzzerDrive.Pwm }, _time, NullLogger.Instance);
        _driver.Writes.Clear();

        await door.SignalAsync(DoorSignalKind.Late, CancellationToken.None);
        Run(5000);

        Assert.Equal([W(Led, true, 0), W(Led, false, 1000)], _driver.Writes);
        Assert.Equal(["start@0", "stop@100", "start@200", "stop@300"], pwm.Calls);
    }

    [Fact]
    public async Task A_failing_pin_write_during_a_pattern_is_logged_not_thrown()
    {
        using var door = Open(new DoorSignalOptions());
        await door.SignalAsync(DoorSignalKind.Recognised, CancellationToken.None);
        _driver.OpenPins.Remove(Buzzer); // the fake throws on writes to a closed pin

        Run(5000);

        // The buzzer write at 120 failed; the player still switched the LED off rather than leave it lit.
        Assert.Equal([W(Led, true, 0), W(Buzzer, true, 0), W(Led, false, 120)], _driver.Writes);
        _driver.OpenPins.Add(Buzzer);
        await door.SignalAsync(DoorSignalKind.Exit, CancellationToken.None);
        Run(5000);
        Assert.Equal(W(Led, false, 5000 + 750), _driver.Writes[^1]);
    }

    [Fact]
    public async Task Cancelled_signal_is_not_played()
    {
        using var door = Open(new DoorSignalOptions());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => door.SignalAsync(DoorSignalKind.Recognised, new CancellationToken(true)).AsTask());
        Assert.Empty(_driver.Writes);
    }

    private GpioDoorSignal Open(DoorSignalOptions options)
    {
        var door = new GpioDoorSignal(new GpioController(_driver), null, ownsHardware: true, options, _time, NullLogger.Instance);
        _driver.Writes.Clear();
        return door;
    }

    /// <summary>
    /// Advances the fake clock a millisecond at a time: FakeTimeProvider moves the clock to the end of an Advance before
    /// firing timers, so one big step would stamp every write with the end time and skip timers created on the way.
    /// </summary>
    private void Run(int milliseconds)
    {
        for (var i = 0; i < milliseconds; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    private static PinWrite W(int pin, bool high, int milliseconds) => new(pin, high, TimeSpan.FromMilliseconds(milliseconds));

    private sealed class FakePwmChannel(TimeProvider time) : PwmChannel
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public List<string> Calls { get; } = [];

        public override int Frequency { get; set; }

        public override double DutyCycle { get; set; }

        public override void Start() => Calls.Add($"start@{(time.GetUtcNow() - _start).TotalMilliseconds}");

        public override void Stop() => Calls.Add($"stop@{(time.GetUtcNow() - _start).TotalMilliseconds}");
    }
}
