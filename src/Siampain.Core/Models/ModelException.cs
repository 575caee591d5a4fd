namespace Siampain.Models;

/// <summary>A model or manifest that is missing, corrupt or of the wrong shape; the message names the file.</summary>
public sealed class ModelException : Exception
{
    public ModelException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
