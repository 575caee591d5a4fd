using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Onnx.Proto;
using Siampain.ModelTools.TfLite;
using DataType = Siampain.ModelTools.Onnx.Proto.TensorProto.Types.DataType;

namespace Siampain.ModelTools.Import;

/// <summary>How the imported graph's single input and output are named in ONNX.</summary>
internal sealed record ImportOptions(string InputName, string OutputName, string DocString);

/// <summary>
/// Converts a float32 TFLite image model (NHWC) to ONNX opset 13. The graph keeps the NHWC input so callers feed
/// the same tensor as to TFLite, transposes to NCHW once, and stays NCHW inside: every 4-D activation is NCHW,
/// constant operands are re-laid out at import time.
/// </summary>
internal sealed class TfLiteImporter
{
    private readonly TfLiteSubGraph _graph;
    private readonly OnnxGraphBuilder _onnx;
    private readonly Dictionary<int, string> _names = [];
    private readonly Dictionary<int, List<int>> _consumers = [];
    private readonly HashSet<int> _done = [];

    private TfLiteImporter(TfLiteSubGraph graph)
    {
        _graph = graph;
        _onnx = new OnnxGraphBuilder(new GraphProto { Name = "main" });
        for (var i = 0; i < graph.Operators.Count; i++)
        {
            foreach (var input in graph.Operators[i].Inputs.Where(t => t >= 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(i);
            }
        }
    }

    public static ModelProto Convert(TfLiteModel model, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var graph = model.SubGraphs[0];
        if (graph.Inputs.Length != 1 || graph.Outputs.Length != 1)
        {
            throw new NotSupportedException($"expected one input and one output, the model has {graph.Inputs.Length} and {graph.Outputs.Length}");
        }

        return new TfLiteImporter(graph).Run(options);
    }

    private ModelProto Run(ImportOptions options)
    {
        var input = _graph.Tensors[_graph.Inputs[0]];
        var output = _graph.Tensors[_graph.Outputs[0]];
        if (input.Shape.Length != 4 || input.Type != TfLiteType.Float32)
        {
            throw new NotSupportedException($"input '{input.Name}' must be a float32 NHWC image, it is {input.Type} [{string.Join(",", input.Shape)}]");
        }

        _onnx.Graph.Input.Add(OnnxGraphBuilder.TensorValue(options.InputName, DataType.Float, "N", input.Shape[1], input.Shape[2], input.Shape[3]));
        _onnx.Unique(options.InputName);
        _names[input.Index] = _onnx.Node("Transpose", [options.InputName], ["input_nchw"], null, OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2)).Output[0];

        for (var i = 0; i < _graph.Operators.Count; i++)
        {
            if (!_done.Contains(i) && !TryPRelu(i))
            {
                Convert(_graph.Operators[i]);
            }
        }

        // The last node's output takes the public name so no Identity node is needed.
        var last = _onnx.Graph.Node.Single(n => n.Output.Contains(_names[output.Index]));
        last.Output[last.Output.IndexOf(_names[output.Index])] = options.OutputName;
        var outputDims = new object[] { "N" }.Concat(output.Shape.Skip(1).Cast<object>()).ToArray();
        _onnx.Graph.Output.Add(OnnxGraphBuilder.TensorValue(options.OutputName, DataType.Float, outputDims));
        return OnnxFile.NewModel(_onnx.Graph, options.DocString);
    }

    private void Convert(TfLiteOperator op)
    {
        switch (op.Builtin)
        {
            case TfLiteBuiltin.Conv2D:
                Conv(op, op.Conv(), depthwise: false);
                break;
            case TfLiteBuiltin.DepthwiseConv2D:
                Conv(op, op.DepthwiseConv(), depthwise: true);
                break;
            case TfLiteBuiltin.Add or TfLiteBuiltin.Sub or TfLiteBuiltin.Mul:
                Output(op, Activate(_onnx.Op(op.Builtin.ToString(), Hint(op), Operand(op, 0), Operand(op, 1)), op.Activation()));
                break;
            case TfLiteBuiltin.Relu:
                Output(op, _onnx.Op("Relu", Hint(op), Operand(op, 0)));
                break;
            case TfLiteBuiltin.Relu6:
                Output(op, Activate(Operand(op, 0), TfLiteActivation.Relu6));
                break;
            case TfLiteBuiltin.PRelu:
                Output(op, PReluAsReluMin(Operand(op, 0), Layout(_graph.Tensors[op.Inputs[1]], op).Floats(), Hint(op)));
                break;
            case TfLiteBuiltin.AveragePool2D or TfLiteBuiltin.MaxPool2D:
                Pool(op);
                break;
            case TfLiteBuiltin.Reshape:
                Reshape(op);
                break;
            case TfLiteBuiltin.FullyConnected:
                FullyConnected(op);
                break;
            default:
                throw new NotSupportedException($"operator {op.Builtin} ({(int)op.Builtin}) is not supported by the importer");
        }
    }

    private void Conv(TfLiteOperator op, ConvOptions options, bool depthwise)
    {
        var input = _graph.Tensors[op.Inputs[0]];
        var filter = _graph.Tensors[op.Inputs[1]];
        var weights = filter.Floats();
        int[] s = filter.Shape;
        float[] onnxWeights;
        long[] dims;
        long group;
        if (depthwise)
        {
            // [1, H, W, C*M] -> [C*M, 1, H, W]: one filter per output channel, C groups.
            var (h, w, channels) = (s[1], s[2], s[3]);
            onnxWeights = new float[weights.Length];
            for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            for (var c = 0; c < channels; c++)
            {
                onnxWeights[(c * h * w) + (y * w) + x] = weights[(((y * w) + x) * channels) + c];
            }

            dims = [channels, 1, h, w];
            group = input.Shape[3];
        }
        else
        {
            // [O, H, W, I] -> [O, I, H, W]
            var (o, h, w, ci) = (s[0], s[1], s[2], s[3]);
            onnxWeights = new float[weights.Length];
            for (var k = 0; k < o; k++)
            for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            for (var c = 0; c < ci; c++)
            {
                onnxWeights[(((k * ci) + c) * h * w) + (y * w) + x] = weights[(((((k * h) + y) * w) + x) * ci) + c];
            }

            dims = [o, ci, h, w];
            group = 1;
        }

        var inputs = new List<string> { Operand(op, 0), _onnx.Floats(filter.Name, onnxWeights, dims) };
        if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
        {
            var bias = _graph.Tensors[op.Inputs[2]];
            inputs.Add(_onnx.Floats(bias.Name, bias.Floats(), bias.Shape[0]));
        }

        var (kh, kw) = ((int)dims[2], (int)dims[3]);
        var output = _onnx.Node("Conv", inputs, [Hint(op)], null,
            OnnxGraphBuilder.Ints("dilations", options.DilationH, options.DilationW),
            OnnxGraphBuilder.Int("group", group),
            OnnxGraphBuilder.Ints("kernel_shape", kh, kw),
            OnnxGraphBuilder.Ints("pads", Pads(input, options.Padding, kh, kw, options.StrideH, options.StrideW, options.DilationH, options.DilationW)),
            OnnxGraphBuilder.Ints("strides", options.StrideH, options.StrideW)).Output[0];
        Output(op, Activate(output, options.Activation));
    }

    private void Pool(TfLiteOperator op)
    {
        var options = op.Pool();
        var input = _graph.Tensors[op.Inputs[0]];
        var average = op.Builtin == TfLiteBuiltin.AveragePool2D;
        var attributes = new List<AttributeProto>
        {
            OnnxGraphBuilder.Ints("kernel_shape", options.FilterH, options.FilterW),
            OnnxGraphBuilder.Ints("pads", Pads(input, options.Padding, options.FilterH, options.FilterW, options.StrideH, options.StrideW, 1, 1)),
            OnnxGraphBuilder.Ints("strides", options.StrideH, options.StrideW),
        };
        if (average)
        {
            // TFLite averages over the valid pixels only, never the padding.
            attributes.Add(OnnxGraphBuilder.Int("count_include_pad", 0));
        }

        var output = _onnx.Node(average ? "AveragePool" : "MaxPool", [Operand(op, 0)], [Hint(op)], null, [.. attributes]).Output[0];
        Output(op, Activate(output, options.Activation));
    }

    private void Reshape(TfLiteOperator op)
    {
        var input = _graph.Tensors[op.Inputs[0]];
        var output = _graph.Tensors[op.Outputs[0]];

        // NHWC and NCHW flatten to the same order only when H = W = 1; anything else would need a transpose back.
        if (output.Shape.Length != 2 || input.Shape.Length != 4 || input.Shape[1] != 1 || input.Shape[2] != 1)
        {
            throw new NotSupportedException(
                $"Reshape '{output.Name}' from [{string.Join(",", input.Shape)}] to [{string.Join(",", output.Shape)}]: only [N,1,1,C] -> [N,C] is supported");
        }

        Output(op, _onnx.Node("Flatten", [Operand(op, 0)], [Hint(op)], null, OnnxGraphBuilder.Int("axis", 1)).Output[0]);
    }

    private void FullyConnected(TfLiteOperator op)
    {
        var input = _graph.Tensors[op.Inputs[0]];
        var weights = _graph.Tensors[op.Inputs[1]];
        if (input.Shape.Length != 2 || op.FullyConnectedKeepsDims)
        {
            throw new NotSupportedException($"FullyConnected on a rank-{input.Shape.Length} input is not supported (flatten it first)");
        }

        var inputs = new List<string> { Operand(op, 0), _onnx.Floats(weights.Name, weights.Floats(), weights.Shape[0], weights.Shape[1]) };
        if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
        {
            var bias = _graph.Tensors[op.Inputs[2]];
            inputs.Add(_onnx.Floats(bias.Name, bias.Floats(), bias.Shape[0]));
        }

        // TFLite stores the weights as [out, in]: y = x * W^T + b.
        var output = _onnx.Node("Gemm", inputs, [Hint(op)], null, OnnxGraphBuilder.Int("transB", 1)).Output[0];
        Output(op, Activate(output, op.Activation()));
    }

    /// <summary>
    /// The TF graph writes PReLU as Relu(x) + c * (x - |x|) with c = slope / 2. That equals Relu(x) + 2c * Min(x, 0)
    /// exactly (doubling is exact in binary floating point) and runs faster than both the five-op form and ORT's PRelu.
    /// </summary>
    private bool TryPRelu(int index)
    {
        var relu = _graph.Operators[index];
        if (relu.Builtin != TfLiteBuiltin.Relu)
        {
            return false;
        }

        var x = relu.Inputs[0];
        if (SingleConsumer(x, o => o.Builtin == TfLiteBuiltin.Abs && o.Inputs[0] == x) is not { } abs)
        {
            return false;
        }

        var absOut = _graph.Operators[abs].Outputs[0];
        if (SingleConsumer(x, o => o.Builtin == TfLiteBuiltin.Sub && o.Inputs[0] == x && o.Inputs[1] == absOut) is not { } sub
            || OnlyConsumer(absOut, TfLiteBuiltin.Sub) != sub
            || OnlyConsumer(_graph.Operators[sub].Outputs[0], TfLiteBuiltin.Mul) is not { } mul
            || OnlyConsumer(_graph.Operators[mul].Outputs[0], TfLiteBuiltin.Add) is not { } add
            || OnlyConsumer(relu.Outputs[0], TfLiteBuiltin.Add) != add
            || new[] { sub, mul, add }.Any(i => _graph.Operators[i].Activation() != TfLiteActivation.None))
        {
            return false;
        }

        var mulOp = _graph.Operators[mul];
        var slopeIndex = mulOp.Inputs.Single(t => t != _graph.Operators[sub].Outputs[0]);
        var halfSlope = _graph.Tensors[slopeIndex];
        if (!halfSlope.IsConstant)
        {
            return false;
        }

        var slope = Layout(halfSlope, mulOp).Floats().Select(v => v * 2f).ToArray();
        var addOp = _graph.Operators[add];
        _names[addOp.Outputs[0]] = PReluAsReluMin(Name(x), slope, Hint(addOp));
        _done.UnionWith([abs, sub, mul, add]);
        return true;
    }

    private string PReluAsReluMin(string x, float[] slope, string hint)
    {
        var positive = _onnx.Op("Relu", $"{hint}/relu", x);
        var negative = _onnx.Op("Min", $"{hint}/min", x, _onnx.Floats($"{hint}/zero", [0f]));
        var scaled = _onnx.Op("Mul", $"{hint}/scaled", negative, _onnx.Floats($"{hint}/slope", slope, slope.Length, 1, 1));
        return _onnx.Op("Add", hint, positive, scaled);
    }

    private int? SingleConsumer(int tensor, Func<TfLiteOperator, bool> match)
    {
        var matches = _consumers.GetValueOrDefault(tensor, []).Where(i => match(_graph.Operators[i])).ToArray();
        return matches.Length == 1 ? matches[0] : null;
    }

    private int? OnlyConsumer(int tensor, TfLiteBuiltin builtin)
    {
        var consumers = _consumers.GetValueOrDefault(tensor, []);
        return consumers.Count == 1 && _graph.Operators[consumers[0]].Builtin == builtin && !_graph.Outputs.Contains(tensor)
            ? consumers[0] : null;
    }

    /// <summary>The ONNX name of an operand; constants become initializers laid out for NCHW broadcasting.</summary>
    private string Operand(TfLiteOperator op, int position)
    {
        var index = op.Inputs[position];
        if (_names.TryGetValue(index, out var name))
        {
            return name;
        }

        var tensor = _graph.Tensors[index];
        if (!tensor.IsConstant)
        {
            throw new InvalidDataException($"tensor '{tensor.Name}' is used by {op.Builtin} before anything produces it");
        }

        var laidOut = Layout(tensor, op);
        return _names[index] = _onnx.Floats(tensor.Name, laidOut.Floats(), laidOut.Shape.Select(d => (long)d).ToArray());
    }

    /// <summary>
    /// Moves a constant that broadcasts against an NHWC activation onto the NCHW layout: a per-channel vector
    /// [C] (or [1,1,C], [1,1,1,C]) becomes [C,1,1]; a scalar stays a scalar.
    /// </summary>
    private TfLiteTensor Layout(TfLiteTensor constant, TfLiteOperator op)
    {
        var activationRank = op.Inputs.Where(i => i >= 0 && !_graph.Tensors[i].IsConstant).Select(i => _graph.Tensors[i].Shape.Length).DefaultIfEmpty(0).Max();
        var elements = constant.Shape.Aggregate(1, (a, d) => a * d);
        if (activationRank != 4 || elements == 1)
        {
            return constant;
        }

        if (constant.Shape.Take(constant.Shape.Length - 1).All(d => d == 1))
        {
            return constant with { Shape = [elements, 1, 1] };
        }

        throw new NotSupportedException($"constant '{constant.Name}' [{string.Join(",", constant.Shape)}] does not broadcast per channel");
    }

    private string Activate(string value, TfLiteActivation activation) => activation switch
    {
        TfLiteActivation.None => value,
        TfLiteActivation.Relu => _onnx.Op("Relu", $"{value}/relu", value),
        TfLiteActivation.Relu6 => _onnx.Op("Clip", $"{value}/relu6", value, _onnx.Floats($"{value}/min", [0f]), _onnx.Floats($"{value}/max", [6f])),
        _ => throw new NotSupportedException($"fused activation {activation} is not supported"),
    };

    /// <summary>Explicit ONNX pads [top, left, bottom, right]; TF's SAME puts the odd pixel at the end.</summary>
    private static long[] Pads(TfLiteTensor input, TfLitePadding padding, int kh, int kw, int sh, int sw, int dh, int dw)
    {
        if (padding == TfLitePadding.Valid)
        {
            return [0, 0, 0, 0];
        }

        static (long Before, long After) Same(int size, int kernel, int stride, int dilation)
        {
            var outSize = (size + stride - 1) / stride;
            var total = Math.Max(((outSize - 1) * stride) + ((kernel - 1) * dilation) + 1 - size, 0);
            return (total / 2, total - (total / 2));
        }

        var (top, bottom) = Same(input.Shape[1], kh, sh, dh);
        var (left, right) = Same(input.Shape[2], kw, sw, dw);
        return [top, left, bottom, right];
    }

    private void Output(TfLiteOperator op, string onnxName) => _names[op.Outputs[0]] = onnxName;

    private string Name(int tensor) => _names[tensor];

    private string Hint(TfLiteOperator op) => _graph.Tensors[op.Outputs[0]].Name;
}
