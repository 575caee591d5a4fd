namespace Siampain.Imaging;

/// <summary>An image file that cannot be decoded; the message names the file and the problem.</summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
