using System.CommandLine;
using Siampain.Models;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.TfLite;

namespace Siampain.ModelTools.Commands;

/// <summary>Runs a command body and turns the expected failures (bad files, fetch problems) into one clear line.</summary>
internal static class ToolAction
{
    public static int Run(ParseResult result, Action<TextWriter> body)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            body(result.InvocationConfiguration.Output);
            return 0;
        }
        catch (Exception e) when (e is TfLiteFormatException or OnnxFormatException or ModelException
                                      or InvalidDataException or InvalidOperationException or IOException)
        {
            result.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
