namespace Siampain.Cli;

/// <summary>
/// How every command reports bad input: one line "error: ..." on stderr, so that a technician sees it in a
/// terminal and a script reading the command's tables from stdout does not take it for one.
/// </summary>
internal static class CommandErrors
{
    /// <summary>Exit code of a command that refused its input (a missing models or data folder, an unreadable file).</summary>
    public const int BadInput = 2;

    /// <summary>Bad input any command may meet; anything else is a bug and keeps its stack trace.</summary>
    public static bool IsBadInput(Exception exception) =>
        exception is Models.ModelException or InvalidDataException or IOException or UnauthorizedAccessException;

    /// <summary>Writes the message unwrapped (a console would fold it at its width), so it stays one line to grep.</summary>
    public static int Report(string message, int exitCode)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
