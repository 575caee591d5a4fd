using Microsoft.ML.OnnxRuntime;

namespace Siampain.Models;

/// <summary>Opens ONNX Runtime sessions with a fixed thread budget and turns load failures into clear errors.</summary>
public static class OnnxModel
{
    public static InferenceSession Open(string path, int threads, bool verifyChecksum = false, string? expectedSha256 = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        if (!File.Exists(path))
        {
            throw new ModelException(path, "does not exist");
        }

        if (verifyChecksum && expectedSha256 is not null)
        {
            var actual = Packages.PackageCache.Sha256Of(path);
            if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelException(path, $"has sha256 {actual}, but the manifest expects {expectedSha256}: the file is corrupt or from another build");
            }
        }

        // One thread pool per session sized by the caller: the terminal shares two to four cores between
        // detection, recognition and the rest, so ORT must not spawn one thread per core for each model.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,

            // ORT warns about unused initializers of converted models at every start: noise in the journal.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,

            // A memory pattern is a pre-planned block per input shape, kept for the session's life; the embedder
            // runs batches of 1 to MaxFacesPerFrame faces, so it would keep one per batch size. Without them the
            // service measured about 10 MB less resident memory over the soak, at the same frames per second.
            EnableMemoryPattern = false,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException(path, $"is not a loadable ONNX model: {e.Message}", e);
        }
    }

    public static void RequireInput(InferenceSession session, string path, string name, params long[] shapeWithoutBatch)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.InputMetadata.TryGetValue(name, out var input))
        {
            throw new ModelException(path, $"has no input '{name}'; its inputs are: {string.Join(", ", session.InputMetadata.Keys)}");
        }

        var dims = input.Dimensions;
        var ok = dims.Length == shapeWithoutBatch.Length + 1;
        for (var i = 0; ok && i < shapeWithoutBatch.Length; i++)
        {
            ok = dims[i + 1] == shapeWithoutBatch[i];
        }

        if (!ok)
        {
            throw new ModelException(path,
                $"input '{name}' has shape [{string.Join(",", dims)}], expected [N,{string.Join(",", shapeWithoutBatch)}]");
        }
    }
}
