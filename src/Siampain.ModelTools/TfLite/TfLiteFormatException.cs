namespace Siampain.ModelTools.TfLite;

/// <summary>A TFLite file that is missing, corrupt or uses something the importer does not handle; names the file.</summary>
public sealed class TfLiteFormatException : Exception
{
    public TfLiteFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
