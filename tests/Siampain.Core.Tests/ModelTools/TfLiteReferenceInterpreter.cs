using Siampain.ModelTools.TfLite;

namespace Siampain.Tests.ModelTools;

/// <summary>
/// A deliberately naive interpreter of the TFLite graph in its own NHWC layout, written straight from TFLite's
/// operator semantics: an independent second implementation to check the importer's re-layouts, padding and
/// PReLU rewrite against. Slow (a fraction of a second per face) and only as general as MobileFaceNet needs.
/// </summary>
internal static class TfLiteReferenceInterpreter
{
    public static float[] Run(TfLiteModel model, float[] input)
    {
        var graph = model.SubGraphs[0];
        var values = new Dictionary<int, float[]> { [graph.Inputs[0]] = input };
        float[] Value(int index) => values.TryGetValue(index, out var v) ? v : graph.Tensors[index].Floats();

        foreach (var op in graph.Operators)
        {
            var a = Value(op.Inputs[0]);
            var output = graph.Tensors[op.Outputs[0]];
            values[op.Outputs[0]] = op.Builtin switch
            {
                TfLiteBuiltin.Conv2D => Conv(graph, op, a, depthwise: false),
                TfLiteBuiltin.DepthwiseConv2D => Conv(graph, op, a, depthwise: true),
                TfLiteBuiltin.Relu => [.. a.Select(x => Math.Max(x, 0f))],
                TfLiteBuiltin.Abs => [.. a.Select(Math.Abs)],
                TfLiteBuiltin.Add => Binary(a, Value(op.Inputs[1]), (x, y) => x + y),
                TfLiteBuiltin.Sub => Binary(a, Value(op.Inputs[1]), (x, y) => x - y),
                TfLiteBuiltin.Mul => Binary(a, Value(op.Inputs[1]), (x, y) => x * y),
                TfLiteBuiltin.Reshape => a,
                _ => throw new NotSupportedException(op.Builtin.ToString()),
            };
            Assert.Equal(TfLiteActivation.None, op.Builtin is TfLiteBuiltin.Conv2D ? op.Conv().Activation
                : op.Builtin is TfLiteBuiltin.DepthwiseConv2D ? op.DepthwiseConv().Activation : TfLiteActivation.None);
            Assert.Equal(output.Shape.Skip(1).Aggregate(1, (x, y) => x * y), values[op.Outputs[0]].Length);
        }

        return values[graph.Outputs[0]];
    }

    /// <summary>Element-wise with the smaller operand (a per-channel vector) repeating over the larger one.</summary>
    private static float[] Binary(float[] a, float[] b, Func<float, float, float> f)
    {
        var (large, small, swapped) = a.Length >= b.Length ? (a, b, false) : (b, a, true);
        var result = new float[large.Length];
        for (var i = 0; i < large.Length; i++)
        {
            var s = small[i % small.Length];
            result[i] = swapped ? f(s, large[i]) : f(large[i], s);
        }

        return result;
    }

    private static float[] Conv(TfLiteSubGraph graph, TfLiteOperator op, float[] x, bool depthwise)
    {
        var options = depthwise ? op.DepthwiseConv() : op.Conv();
        var inShape = graph.Tensors[op.Inputs[0]].Shape;
        var outShape = graph.Tensors[op.Outputs[0]].Shape;
        var filter = graph.Tensors[op.Inputs[1]];
        var w = filter.Floats();
        var bias = graph.Tensors[op.Inputs[2]].Floats();
        var (h, wd, c) = (inShape[1], inShape[2], inShape[3]);
        var (oh, ow, oc) = (outShape[1], outShape[2], outShape[3]);
        var (kh, kw) = (filter.Shape[1], filter.Shape[2]);

        // TFLite's SAME padding: the total is split with the smaller half before.
        int PadBefore(int size, int outSize, int k, int stride) =>
            options.Padding == TfLitePadding.Valid ? 0 : Math.Max(((outSize - 1) * stride) + k - size, 0) / 2;
        var (top, left) = (PadBefore(h, oh, kh, options.StrideH), PadBefore(wd, ow, kw, options.StrideW));

        var y = new float[oh * ow * oc];
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        for (var o = 0; o < oc; o++)
        {
            double sum = bias[o];
            for (var ky = 0; ky < kh; ky++)
            for (var kx = 0; kx < kw; kx++)
            {
                var iy = (oy * options.StrideH) + ky - top;
                var ix = (ox * options.StrideW) + kx - left;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                {
                    continue;
                }

                var pixel = ((iy * wd) + ix) * c;
                if (depthwise)
                {
                    sum += x[pixel + (o / options.DepthMultiplier)] * w[(((ky * kw) + kx) * oc) + o];
                }
                else
                {
                    for (var i = 0; i < c; i++)
                    {
                        sum += x[pixel + i] * w[(((((o * kh) + ky) * kw) + kx) * c) + i];
                    }
                }
            }

            y[(((oy * ow) + ox) * oc) + o] = (float)sum;
        }

        return y;
    }
}
