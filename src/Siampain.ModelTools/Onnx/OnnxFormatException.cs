namespace Siampain.ModelTools.Onnx;

/// <summary>An ONNX file that is missing or corrupt; the message names the file.</summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
