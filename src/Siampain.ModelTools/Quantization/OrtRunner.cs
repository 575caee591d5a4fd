using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Siampain.ModelTools.Quantization;

/// <summary>Runs an in-memory ONNX model on NHWC batches and returns the requested outputs as flat arrays.</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly int[] _inputShape;

    public OrtRunner(byte[] model, int threads = 1)
    {
        // Same settings as the terminal: full graph optimisation (so QDQ pairs fuse) and a fixed thread count.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(model, options);
        (_input, var meta) = _session.InputMetadata.Single();
        _inputShape = meta.Dimensions;
    }

    public IReadOnlyList<string> OutputNames => [.. _session.OutputMetadata.Keys];

    /// <summary>Runs <paramref name="batch"/> samples packed in <paramref name="input"/>; returns one array per output name.</summary>
    public Dictionary<string, float[]> Run(float[] input, int batch, IReadOnlyList<string>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = (int[])_inputShape.Clone();
        shape[0] = batch;
        var tensor = new DenseTensor<float>(input, shape);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)], outputs ?? OutputNames);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray(), StringComparer.Ordinal);
    }

    public void Dispose() => _session.Dispose();
}
