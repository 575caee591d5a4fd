using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Siampain.Models;

namespace Siampain.ModelTools.Quantization;

/// <summary>Runs an in-memory ONNX model on NHWC batches and returns the requested outputs as flat arrays.</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly int[] _inputShape;
    private readonly string _name;

    public OrtRunner(byte[] model, string nameForErrors, int threads = 1)
    {
        _name = nameForErrors;

        // Same settings as the terminal: full graph optimisation (so QDQ pairs fuse) and a fixed thread count.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        try
        {
            _session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException(nameForErrors, $"ONNX Runtime cannot load it: {e.Message}", e);
        }

        if (_session.InputMetadata.Count != 1)
        {
            throw new ModelException(nameForErrors, $"has {_session.InputMetadata.Count} inputs; an image embedder has one");
        }

        (_input, var meta) = _session.InputMetadata.Single();
        _inputShape = meta.Dimensions;
    }

    public IReadOnlyList<string> OutputNames => [.. _session.OutputMetadata.Keys];

    /// <summary>
    /// Runs <paramref name="batch"/> NHWC samples packed in <paramref name="input"/>; returns one array per output
    /// name. A model that wants NCHW ([N,3,H,W], the usual PyTorch export) gets the samples transposed.
    /// </summary>
    public Dictionary<string, float[]> Run(float[] input, int batch, IReadOnlyList<string>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_inputShape.Length != 4)
        {
            throw new ModelException(_name, $"input '{_input}' has rank {_inputShape.Length}; an image model takes [N,H,W,3] or [N,3,H,W]");
        }

        var side = (int)Math.Sqrt(input.Length / batch / 3);
        var channelsFirst = _inputShape[1] == 3 && _inputShape[3] != 3;
        var data = channelsFirst ? ToChannelsFirst(input, batch, side) : input;
        int[] shape = channelsFirst ? [batch, 3, side, side] : [batch, side, side, 3];
        var tensor = new DenseTensor<float>(data, shape);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)], outputs ?? OutputNames);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray(), StringComparer.Ordinal);
    }

    private static float[] ToChannelsFirst(float[] input, int batch, int side)
    {
        var plane = side * side;
        var output = new float[input.Length];
        for (var n = 0; n < batch; n++)
        {
            for (var p = 0; p < plane; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    output[(((n * 3) + c) * plane) + p] = input[(((n * plane) + p) * 3) + c];
                }
            }
        }

        return output;
    }

    public void Dispose() => _session.Dispose();
}
