using System.Buffers.Binary;
using System.Text.Json;

namespace Siampain.ModelTools.Import;

/// <summary>
/// The weights of a TensorFlow.js layers model: a JSON manifest naming each tensor's shape and encoding, and the
/// binary shards holding them back to back. Weights stored as uint8 are affine-quantized (value = min + scale * q).
/// </summary>
internal sealed class TfjsWeights
{
    private readonly Dictionary<string, (int[] Shape, float[] Values)> _tensors;

    private TfjsWeights(Dictionary<string, (int[] Shape, float[] Values)> tensors) => _tensors = tensors;

    public static TfjsWeights Load(string manifestPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        using var json = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        var tensors = new Dictionary<string, (int[] Shape, float[] Values)>(StringComparer.Ordinal);
        foreach (var group in json.RootElement.EnumerateArray())
        {
            var bytes = group.GetProperty("paths").EnumerateArray()
                .SelectMany(path => File.ReadAllBytes(Path.Combine(folder, path.GetString()!))).ToArray();
            var offset = 0;
            foreach (var weight in group.GetProperty("weights").EnumerateArray())
            {
                var name = weight.GetProperty("name").GetString()!;
                var shape = weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                var values = new float[shape.Aggregate(1, (a, b) => a * b)];
                offset += Read(bytes.AsSpan(offset), weight, values, name, manifestPath);
                tensors[name] = (shape, values);
            }

            if (offset != bytes.Length)
            {
                throw new InvalidDataException($"{manifestPath}: the shards hold {bytes.Length} bytes, the manifest describes {offset}");
            }
        }

        return new TfjsWeights(tensors);
    }

    /// <summary>Decodes one tensor and returns the bytes it took.</summary>
    private static int Read(ReadOnlySpan<byte> bytes, JsonElement weight, float[] values, string name, string manifestPath)
    {
        if (weight.TryGetProperty("quantization", out var quantization))
        {
            var dtype = quantization.GetProperty("dtype").GetString();
            if (dtype != "uint8")
            {
                throw new NotSupportedException($"{manifestPath}: {name} is quantized as {dtype}; only uint8 is supported");
            }

            var scale = quantization.GetProperty("scale").GetSingle();
            var min = quantization.GetProperty("min").GetSingle();
            Need(bytes, values.Length, name, manifestPath);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = min + (scale * bytes[i]);
            }

            return values.Length;
        }

        if (weight.GetProperty("dtype").GetString() != "float32")
        {
            throw new NotSupportedException($"{manifestPath}: {name} is {weight.GetProperty("dtype").GetString()}; only float32 is supported");
        }

        Need(bytes, values.Length * sizeof(float), name, manifestPath);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values.Length * sizeof(float);
    }

    private static void Need(ReadOnlySpan<byte> bytes, int count, string name, string manifestPath)
    {
        if (bytes.Length < count)
        {
            throw new InvalidDataException($"{manifestPath}: the shards end inside {name}");
        }
    }

    /// <summary>The tensor <paramref name="name"/>, checked against the shape the caller expects.</summary>
    public float[] Get(string name, params int[] shape)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"the weights have no tensor {name}");
        }

        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"{name} is [{string.Join(",", tensor.Shape)}], expected [{string.Join(",", shape)}]");
        }

        return tensor.Values;
    }
}
