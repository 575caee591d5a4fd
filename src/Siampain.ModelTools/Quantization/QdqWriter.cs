using System.Runtime.InteropServices;
using Google.Protobuf;
using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Onnx.Proto;
using DataType = Siampain.ModelTools.Onnx.Proto.TensorProto.Types.DataType;

namespace Siampain.ModelTools.Quantization;

/// <summary>
/// Rewrites chosen Conv and Add nodes of a float model into ONNX's QDQ form, which ONNX Runtime fuses into
/// QLinearConv / QLinearAdd: every activation a chosen node reads or writes passes through
/// QuantizeLinear -> DequantizeLinear (uint8, asymmetric), and a chosen Conv reads its weights through
/// DequantizeLinear from per-output-channel symmetric int8 and its bias from int32.
/// </summary>
internal static class QdqWriter
{
    /// <summary>
    /// Largest weight magnitude in 7-bit mode. x86 without VNNI multiplies u8 x s8 pairs into saturating int16
    /// sums: 2 * 255 * 127 overflows, 2 * 255 * 63 does not.
    /// </summary>
    public const int ReducedWeightMax = 63;

    public const int FullWeightMax = 127;

    /// <param name="quantizedNodes">Nodes that become int8 (activations and weights).</param>
    /// <param name="halfWeightNodes">Float Conv nodes whose weights are stored as float16 to keep the file small.</param>
    public static ModelProto Write(ModelProto fp32, IReadOnlySet<string> quantizedNodes, IReadOnlySet<string> halfWeightNodes,
        IReadOnlyDictionary<string, ActivationRange> ranges, bool reduceRange)
    {
        ArgumentNullException.ThrowIfNull(halfWeightNodes);
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(quantizedNodes);
        ArgumentNullException.ThrowIfNull(ranges);
        var model = fp32.Clone();
        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var builder = new OnnxGraphBuilder(graph);
        var weightMax = reduceRange ? ReducedWeightMax : FullWeightMax;

        var chosen = graph.Node.Where(n => quantizedNodes.Contains(n.Name)).ToList();
        var activations = new List<string>();
        foreach (var node in chosen)
        {
            foreach (var tensor in QuantizedActivations(node, index).Where(t => !activations.Contains(t)))
            {
                activations.Add(tensor);
            }
        }

        var original = graph.Node.ToList();
        graph.Node.Clear();
        var graphInputs = activations.Where(index.GraphInputs.Contains)
            .ToDictionary(input => input, input => QuantizeDequantize(builder, input, builder.Unique(input + "_dequantized"), ranges));

        foreach (var node in original)
        {
            if (node.OpType == "Conv" && chosen.Contains(node))
            {
                var weightScales = QuantizeConvWeights(builder, index, node, weightMax);
                QuantizeConvBias(builder, index, node, ranges[node.Input[0]].Scale, weightScales);
            }
            else if (node.OpType == "Conv" && halfWeightNodes.Contains(node.Name))
            {
                StoreAsHalf(builder, index, node);
            }

            graph.Node.Add(node);
            for (var i = 0; i < node.Output.Count; i++)
            {
                var name = node.Output[i];
                if (activations.Contains(name))
                {
                    // The producer writes a renamed float tensor; the dequantized copy takes over the original
                    // name, so every consumer (and a graph output of that name) reads the quantized value.
                    node.Output[i] = builder.Unique(name + "_float");
                    QuantizeDequantize(builder, node.Output[i], name, ranges, tensorName: name);
                }
            }
        }

        // A graph input keeps its name, so its consumers are pointed at the dequantized copy instead.
        foreach (var node in original)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = graphInputs.GetValueOrDefault(node.Input[i], node.Input[i]);
            }
        }

        return model;
    }

    /// <summary>The activations a chosen node reads or writes that must carry quantization parameters.</summary>
    public static IEnumerable<string> QuantizedActivations(NodeProto node, GraphIndex index)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(index);
        var inputs = node.OpType == "Conv" ? node.Input.Take(1) : node.Input;
        return inputs.Concat(node.Output.Take(1)).Where(index.IsActivation);
    }

    private static string QuantizeDequantize(OnnxGraphBuilder builder, string input, string output, IReadOnlyDictionary<string, ActivationRange> ranges, string? tensorName = null)
    {
        tensorName ??= input;
        if (!ranges.TryGetValue(tensorName, out var range))
        {
            throw new InvalidOperationException($"no calibrated range for tensor '{tensorName}'");
        }

        var scale = builder.Floats($"{tensorName}_scale", [range.Scale]);
        var zeroPoint = builder.Initializer($"{tensorName}_zero_point", DataType.Uint8, [range.ZeroPoint]);
        var quantized = builder.Node("QuantizeLinear", [input, scale, zeroPoint], [$"{tensorName}_quantized"]).Output[0];
        builder.NodeInto("DequantizeLinear", [quantized, scale, zeroPoint], output);
        return output;
    }

    /// <summary>
    /// Float16 weights behind a Cast: ONNX Runtime folds the Cast once at load, so the layer runs exactly as fast as
    /// fp32 with weights 2^-11-close to the originals. (int8 weights behind a DequantizeLinear were measured slower:
    /// ORT keeps DequantizeLinear nodes unfolded and runs them on every inference, and they cost more accuracy.)
    /// </summary>
    private static void StoreAsHalf(OnnxGraphBuilder builder, GraphIndex index, NodeProto conv)
    {
        var weightName = conv.Input[1];
        var weight = index.Initializers[weightName];
        var values = FloatsOf(weight);
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }

        builder.Graph.Initializer.Remove(weight);
        var stored = builder.Initializer($"{weightName}_float16", DataType.Float16, MemoryMarshal.AsBytes(halves.AsSpan()), [.. weight.Dims]);
        builder.NodeInto("Cast", [stored], weightName, OnnxGraphBuilder.Int("to", (long)DataType.Float));
    }

    /// <summary>Replaces the Conv's float weights by per-output-channel symmetric int8 ones; returns the scales.</summary>
    private static float[] QuantizeConvWeights(OnnxGraphBuilder builder, GraphIndex index, NodeProto conv, int weightMax)
    {
        var weightName = conv.Input[1];
        var weight = index.Initializers[weightName];
        var values = FloatsOf(weight);
        var channels = (int)weight.Dims[0];
        var perChannel = values.Length / channels;
        var scales = new float[channels];
        var quantized = new sbyte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var slice = values.AsSpan(c * perChannel, perChannel);
            var absMax = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(slice);
            absMax = Math.Abs(absMax);
            scales[c] = absMax > 0 ? absMax / weightMax : 1f;
            for (var j = 0; j < perChannel; j++)
            {
                quantized[(c * perChannel) + j] = (sbyte)Math.Clamp(MathF.Round(slice[j] / scales[c], MidpointRounding.ToEven), -weightMax, weightMax);
            }
        }

        builder.Graph.Initializer.Remove(weight);
        var weightScale = builder.Floats($"{weightName}_scale", scales, channels);
        var weightZero = builder.Initializer($"{weightName}_zero_point", DataType.Int8, new byte[channels], channels);
        var weightQuantized = builder.Initializer($"{weightName}_quantized", DataType.Int8, MemoryMarshal.AsBytes(quantized.AsSpan()), [.. weight.Dims]);
        AddDequantize(builder, [weightQuantized, weightScale, weightZero], weightName);
        return scales;
    }

    /// <summary>The bias of an int8 Conv as int32 on the accumulator's scale (input scale x weight scale), as QLinearConv wants.</summary>
    private static void QuantizeConvBias(OnnxGraphBuilder builder, GraphIndex index, NodeProto conv, float inputScale, float[] scales)
    {
        var channels = scales.Length;
        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
        {
            var biasName = conv.Input[2];
            var bias = index.Initializers[biasName];
            var biasValues = FloatsOf(bias);
            var biasScales = new float[channels];
            var biasQuantized = new int[channels];
            for (var c = 0; c < channels; c++)
            {
                biasScales[c] = inputScale * scales[c];
                biasQuantized[c] = (int)Math.Clamp(Math.Round((double)biasValues[c] / biasScales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
            }

            builder.Graph.Initializer.Remove(bias);
            var biasScale = builder.Floats($"{biasName}_scale", biasScales, channels);
            var biasInt = builder.Initializer($"{biasName}_quantized", DataType.Int32, MemoryMarshal.AsBytes(biasQuantized.AsSpan()), channels);
            AddDequantize(builder, [biasInt, biasScale], biasName);
        }
    }

    private static void AddDequantize(OnnxGraphBuilder builder, string[] inputs, string output) =>
        builder.NodeInto("DequantizeLinear", inputs, output, OnnxGraphBuilder.Int("axis", 0));

    private static float[] FloatsOf(TensorProto tensor)
    {
        if (tensor.DataType != (int)DataType.Float)
        {
            throw new InvalidOperationException($"initializer '{tensor.Name}' is not float32");
        }

        return tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];
    }
}
