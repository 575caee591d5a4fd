namespace Siampain.Gpio;

/// <summary>The door indicator cannot be used; the message says what is wrong and how to fix it.</summary>
public sealed class DoorSignalException : Exception
{
    public DoorSignalException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
