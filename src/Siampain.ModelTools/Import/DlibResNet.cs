using Siampain.ModelTools.Onnx;
using Siampain.ModelTools.Onnx.Proto;
using Siampain.Packages;
using DataType = Siampain.ModelTools.Onnx.Proto.TensorProto.Types.DataType;

namespace Siampain.ModelTools.Import;

/// <summary>
/// dlib's ResNet face embedder (29 convolutions, 128-d), whose weights the face-api package ships as TensorFlow.js
/// tensors with the graph written in code. The graph is rebuilt here from that code's structure: a 7x7 stride-2
/// convolution and max pool, residual blocks at 32, 64, 128 and 256 channels, down-sampling blocks whose shortcut is
/// a 2x2 average pool padded with zero channels, a global mean and a 256x128 projection.
/// </summary>
internal static class DlibResNet
{
    public const string WeightsInPackage = "model/face_recognition_model-weights_manifest.json";
    public const string InputName = "input";
    public const string OutputName = "embedding";
    public const int Size = 150;
    public const int Dimensions = 128;

    /// <summary>The network sees (pixel - channel mean) / 255; the mean is folded into the first convolution.</summary>
    public const float Std = 255f;

    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    /// <summary>
    /// dlib's face chip: its mean face landmarks (eye centres, nose tip, outer mouth corners) with 25% padding in a
    /// 150x150 crop, x = (0.25 + landmark) * 100.
    /// </summary>
    public static readonly float[] ChipTemplate = [47.55f, 46.60f, 100.48f, 46.60f, 74.01f, 76.56f, 50.41f, 103.02f, 97.61f, 103.02f];

    public static PinnedPackage Package => PinnedPackage.FaceApi;

    public static string WeightsPath(PackageCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return Path.Combine(cache.Get(Package), WeightsInPackage);
    }

    public static ModelProto Import(string weightsManifestPath)
    {
        try
        {
            return new Builder(TfjsWeights.Load(weightsManifestPath)).Build();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or KeyNotFoundException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{weightsManifestPath}: cannot be imported: {e.Message}", e);
        }
    }

    private sealed class Builder(TfjsWeights weights)
    {
        private readonly OnnxGraphBuilder _onnx = new(new GraphProto { Name = "main" });

        // The spatial side of the chain's current activation: the down-sampling blocks need it to know when to pad.
        private int _side = Size;

        public ModelProto Build()
        {
            _onnx.Graph.Input.Add(OnnxGraphBuilder.TensorValue(InputName, DataType.Float, "N", Size, Size, 3));
            _onnx.Unique(InputName);
            var x = _onnx.Node("Transpose", [InputName], ["input_nchw"], null, OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2)).Output[0];

            x = Conv(x, "conv32_down", kernel: 7, 3, 32, stride: 2, relu: true, subtractMean: true);
            x = _onnx.Node("MaxPool", [x], ["pool"], null,
                OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2)).Output[0];
            _side = ((_side - 3) / 2) + 1;
            x = Residual(x, "conv32_1", 32);
            x = Residual(x, "conv32_2", 32);
            x = Residual(x, "conv32_3", 32);
            x = ResidualDown(x, "conv64_down", 32, 64);
            x = Residual(x, "conv64_1", 64);
            x = Residual(x, "conv64_2", 64);
            x = Residual(x, "conv64_3", 64);
            x = ResidualDown(x, "conv128_down", 64, 128);
            x = Residual(x, "conv128_1", 128);
            x = Residual(x, "conv128_2", 128);
            x = ResidualDown(x, "conv256_down", 128, 256);
            x = Residual(x, "conv256_1", 256);
            x = Residual(x, "conv256_2", 256);
            x = ResidualDown(x, "conv256_down_out", 256, 256);

            x = _onnx.Op("GlobalAveragePool", "mean", x);
            x = _onnx.Node("Flatten", [x], ["flat"], null, OnnxGraphBuilder.Int("axis", 1)).Output[0];
            _onnx.NodeInto("MatMul", [x, _onnx.Floats("fc", weights.Get("fc", 256, Dimensions), 256, Dimensions)], OutputName);
            _onnx.Graph.Output.Add(OnnxGraphBuilder.TensorValue(OutputName, DataType.Float, "N", Dimensions));
            return OnnxFile.NewModel(_onnx.Graph,
                $"dlib ResNet face embedder, weights from {Package.Spec}/{WeightsInPackage}. " +
                $"Input [N,{Size},{Size},3] RGB, value = pixel / {Std}; output [N,{Dimensions}], not normalised.");
        }

        private string Residual(string x, string prefix, int channels)
        {
            var y = Conv(x, $"{prefix}/conv1", kernel: 3, channels, channels, stride: 1, relu: true);
            y = Conv(y, $"{prefix}/conv2", kernel: 3, channels, channels, stride: 1, relu: false);
            return _onnx.Op("Relu", $"{prefix}/out", _onnx.Op("Add", $"{prefix}/sum", y, x));
        }

        /// <summary>
        /// The main path convolves with stride 2 and no padding, which can leave it a pixel smaller than the pooled
        /// shortcut: face-api then appends a zero row and column to the main path, and zero channels to the shortcut.
        /// </summary>
        private string ResidualDown(string x, string prefix, int inChannels, int outChannels)
        {
            var pooledSide = _side / 2;
            var shortcut = _onnx.Node("AveragePool", [x], [$"{prefix}/pooled"], null,
                OnnxGraphBuilder.Ints("kernel_shape", 2, 2), OnnxGraphBuilder.Ints("strides", 2, 2)).Output[0];
            if (outChannels != inChannels)
            {
                shortcut = Pad(shortcut, $"{prefix}/widened", 0, 0, 0, 0, 0, outChannels - inChannels, 0, 0);
            }

            var y = Conv(x, $"{prefix}/conv1", kernel: 3, inChannels, outChannels, stride: 2, relu: true);
            y = Conv(y, $"{prefix}/conv2", kernel: 3, outChannels, outChannels, stride: 1, relu: false);
            if (_side != pooledSide)
            {
                y = Pad(y, $"{prefix}/padded", 0, 0, 0, 0, 0, 0, pooledSide - _side, pooledSide - _side);
                _side = pooledSide;
            }

            return _onnx.Op("Relu", $"{prefix}/out", _onnx.Op("Add", $"{prefix}/sum", y, shortcut));
        }

        private string Pad(string x, string hint, params long[] pads) =>
            _onnx.Op("Pad", hint, x, _onnx.Int64s($"{hint}_pads", pads, pads.Length));

        /// <summary>
        /// A convolution followed by face-api's per-channel scale layer, folded into one Conv. With
        /// <paramref name="subtractMean"/> the input's channel means are folded in too: the first convolution has no
        /// padding, so conv(x - mean) = conv(x) - conv(mean) exactly.
        /// </summary>
        private string Conv(string x, string prefix, int kernel, int inChannels, int outChannels, int stride, bool relu, bool subtractMean = false)
        {
            var filters = weights.Get($"{prefix}/conv/filters", kernel, kernel, inChannels, outChannels);
            var bias = weights.Get($"{prefix}/conv/bias", outChannels);
            var scale = weights.Get($"{prefix}/scale/weights", outChannels);
            var shift = weights.Get($"{prefix}/scale/biases", outChannels);
            var folded = new float[filters.Length];
            var foldedBias = new float[outChannels];
            for (var o = 0; o < outChannels; o++)
            {
                var meanResponse = 0f;
                for (var c = 0; c < inChannels; c++)
                for (var ky = 0; ky < kernel; ky++)
                for (var kx = 0; kx < kernel; kx++)
                {
                    var w = filters[(((((ky * kernel) + kx) * inChannels) + c) * outChannels) + o];
                    folded[(((((o * inChannels) + c) * kernel) + ky) * kernel) + kx] = w * scale[o];
                    meanResponse += subtractMean ? w * MeanRgb[c] / Std : 0f;
                }

                foldedBias[o] = ((bias[o] - meanResponse) * scale[o]) + shift[o];
            }

            // face-api pads 'same' at stride 1 and not at all at stride 2.
            var pad = stride == 1 ? kernel / 2 : 0;
            var output = _onnx.Node("Conv",
                [x, _onnx.Floats($"{prefix}/weights", folded, outChannels, inChannels, kernel, kernel), _onnx.Floats($"{prefix}/bias", foldedBias, outChannels)],
                [$"{prefix}/conv"], null,
                OnnxGraphBuilder.Ints("kernel_shape", kernel, kernel),
                OnnxGraphBuilder.Ints("pads", pad, pad, pad, pad),
                OnnxGraphBuilder.Ints("strides", stride, stride)).Output[0];
            _side = ((_side + (2 * pad) - kernel) / stride) + 1;
            return relu ? _onnx.Op("Relu", $"{prefix}/relu", output) : output;
        }
    }
}
