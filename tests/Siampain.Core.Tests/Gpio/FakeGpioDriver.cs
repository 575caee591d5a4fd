using System.Device.Gpio;

namespace Siampain.Tests.Gpio;

/// <summary>A GPIO chip in memory that records every pin write with the fake time it happened at.</summary>
internal sealed class FakeGpioDriver : GpioDriver
{
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _start;
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Lock _gate = new();

    public FakeGpioDriver(TimeProvider time)
    {
        _time = time;
        _start = time.GetUtcNow();
    }

    public List<PinWrite> Writes { get; } = [];

    public HashSet<int> OpenPins { get; } = [];

    public bool Disposed { get; private set; }

    protected override int PinCount => 64;

    public PinValue ValueOf(int pin)
    {
        lock (_gate)
        {
            return _values[pin];
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            OpenPins.Add(pinNumber);
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            OpenPins.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _modes[pinNumber] = mode;
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return _modes[pinNumber];
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(pinNumber, PinValue.Low);
        }
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            if (!OpenPins.Contains(pinNumber))
            {
                throw new InvalidOperationException($"Pin {pinNumber} written while closed.");
            }

            _values[pinNumber] = value;
            Writes.Add(new PinWrite(pinNumber, value == PinValue.High, _time.GetUtcNow() - _start));
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException();

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}

/// <summary>One write: pin, level (true = high) and the fake time since the driver was made.</summary>
internal readonly record struct PinWrite(int Pin, bool High, TimeSpan At)
{
    public override string ToString() => $"{Pin}={(High ? 1 : 0)}@{At.TotalMilliseconds}";
}
