namespace Siampain.Messaging;

/// <summary>Files holding secrets: they must exist and be readable by their owner only.</summary>
internal static class SecretFile
{
    private const UnixFileMode OthersOrGroup =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Null when the file is fine, otherwise the problem (naming the file).</summary>
    public static string? Check(string path)
    {
        if (!File.Exists(path))
        {
            return $"file '{path}' does not exist.";
        }

        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersOrGroup) != 0)
        {
            return $"file '{path}' is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); run chmod 600 on it.";
        }

        return null;
    }

    /// <summary>The secret, without the trailing newline an editor adds.</summary>
    public static string Read(string path) => File.ReadAllText(path).TrimEnd('\r', '\n');
}
