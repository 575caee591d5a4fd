using Google.Protobuf;
using Siampain.ModelTools.Onnx.Proto;

namespace Siampain.ModelTools.Quantization;

/// <summary>
/// Percentile calibration: the fp32 model runs on the calibration crops with the wanted intermediate tensors
/// exposed as extra outputs. A first pass finds each tensor's min and max, a second fills a histogram between
/// them, and the range is cut at the percentile so a few outliers do not stretch the uint8 grid.
/// </summary>
internal static class Calibrator
{
    private const int Bins = 4096;
    private const int Batch = 8;

    public static Dictionary<string, ActivationRange> Calibrate(ModelProto fp32, string modelName, IReadOnlyList<string> tensors, CropBatch crops, double percentile)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(crops);
        var probe = fp32.Clone();
        var existing = probe.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tensors.Where(t => !existing.Contains(t)))
        {
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        using var runner = new OrtRunner(probe.ToByteArray(), modelName);
        var min = tensors.ToDictionary(t => t, _ => float.PositiveInfinity, StringComparer.Ordinal);
        var max = tensors.ToDictionary(t => t, _ => float.NegativeInfinity, StringComparer.Ordinal);
        ForEachBatch(runner, tensors, crops, (name, values) =>
        {
            min[name] = Math.Min(min[name], System.Numerics.Tensors.TensorPrimitives.Min(values));
            max[name] = Math.Max(max[name], System.Numerics.Tensors.TensorPrimitives.Max(values));
        });

        var histograms = tensors.ToDictionary(t => t, _ => new long[Bins], StringComparer.Ordinal);
        ForEachBatch(runner, tensors, crops, (name, values) =>
        {
            var (lo, hi) = (min[name], max[name]);
            var perBin = hi > lo ? Bins / (hi - lo) : 0f;
            var histogram = histograms[name];
            foreach (var v in values)
            {
                histogram[Math.Min((int)((v - lo) * perBin), Bins - 1)]++;
            }
        });

        return tensors.ToDictionary(t => t, t => Cut(histograms[t], min[t], max[t], percentile), StringComparer.Ordinal);
    }

    private static ActivationRange Cut(long[] histogram, float min, float max, double percentile)
    {
        var total = histogram.Sum();
        var tail = (long)Math.Floor(total * (100 - percentile) / 100);
        var width = (max - min) / Bins;
        int low = 0, high = Bins - 1;
        for (long seen = histogram[0]; seen <= tail && low < Bins - 1; seen += histogram[++low])
        {
        }

        for (long seen = histogram[high]; seen <= tail && high > 0; seen += histogram[--high])
        {
        }

        return ActivationRange.Coarse(min + (low * width), min + ((high + 1) * width));
    }

    private static void ForEachBatch(OrtRunner runner, IReadOnlyList<string> tensors, CropBatch crops, Action<string, float[]> visit)
    {
        for (var start = 0; start < crops.Count; start += Batch)
        {
            var count = Math.Min(Batch, crops.Count - start);
            var outputs = runner.Run(crops.Slice(start, count), count, tensors);
            foreach (var name in tensors)
            {
                visit(name, outputs[name]);
            }
        }
    }
}
