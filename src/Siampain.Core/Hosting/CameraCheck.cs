using Siampain.Camera;

namespace Siampain.Hosting;

/// <summary>
/// What can be known about the camera without starting it: the program exists and is executable, the photo folder
/// exists. The frame source would retry a missing program forever; at start it is a configuration error.
/// </summary>
public static class CameraCheck
{
    /// <summary>The problem, or null when the camera can be tried.</summary>
    public static string? Problem(FrameSourceOptions options, string? searchPath = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Kind)
        {
            case FrameSourceKind.Rpicam:
            case FrameSourceKind.Command:
                var command = options.Kind == FrameSourceKind.Rpicam && string.IsNullOrWhiteSpace(options.Command)
                    ? FrameSourceOptions.DefaultRpicamCommand
                    : options.Command;
                if (FindExecutable(command, searchPath ?? Environment.GetEnvironmentVariable("PATH")) is null)
                {
                    var hint = options.Kind == FrameSourceKind.Rpicam
                        ? "install rpicam-apps (apt install rpicam-apps) or set Camera:Command to its path"
                        : "install it or give its full path in Camera:Command";
                    return $"Camera:Command '{command}' was not found or is not executable ({(command.Contains('/', StringComparison.Ordinal) ? "no such file" : "not on PATH")}): {hint}.";
                }

                return null;
            case FrameSourceKind.Images:
                return Directory.Exists(options.ImagesFolder) ? null : $"Camera:ImagesFolder '{options.ImagesFolder}' does not exist.";
            default:
                return null;
        }
    }

    /// <summary>The full path the OS would run for <paramref name="command"/>, or null.</summary>
    public static string? FindExecutable(string command, string? searchPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(command) ? Path.GetFullPath(command) : null;
        }

        foreach (var folder in (searchPath ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, command);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
